// The home page's numbered pages (pinned posts first, then the newest), read once per
// build and shared by `/` and `/page/{n}`.
import { read } from "./api";
import { readPages, type Numbered } from "./paging";
import { HomePageDocument, type PostCardFragment } from "../gql/graphql";

let home: Promise<Numbered<PostCardFragment>[]> | undefined;

export function homePages(): Promise<Numbered<PostCardFragment>[]> {
  home ??= readPages(async (first, after) => (await read(HomePageDocument, { first, after })).posts);
  return home;
}

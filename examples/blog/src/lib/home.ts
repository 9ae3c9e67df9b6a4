// The home page's numbered pages: pinned posts first, then the newest.
import { read } from "./api";
import { HomePageDocument } from "../gql/graphql";

/** Posts per home page. */
export const PAGE_SIZE = Number(process.env.BLOG_PAGE_SIZE ?? 5);

export async function homePage(page: number) {
  const { posts } = await read(HomePageDocument, { page, pageSize: PAGE_SIZE });
  return { posts: posts.nodes, pages: Math.max(1, Math.ceil(posts.totalCount / PAGE_SIZE)) };
}

"""Checks a document quire served, with real third-party parsers and validators, for
tests/tests/feeds.rs and sitemap.rs. The document comes on standard input.

    feedcheck.py feed                 parse an RSS or Atom feed with feedparser; print what
                                      it read as JSON (bozo set when it was not well-formed)
    feedcheck.py jsonfeed SCHEMA      validate a JSON Feed against SCHEMA with jsonschema,
                                      and its dates as RFC 3339; print {"errors": [...]}
    feedcheck.py xsd SCHEMA           validate XML against an XML Schema with xmlschema;
                                      print {"errors": [...]}
"""

import datetime
import json
import sys


def feed(data):
    import feedparser

    d = feedparser.parse(data)
    entry = lambda e: {
        "id": e.get("id"),
        "title": e.get("title"),
        "link": e.get("link"),
        "summary": e.get("summary"),
        "content": [c.get("value") for c in e.get("content", [])],
        "authors": [a.get("name") for a in e.get("authors", [])],
        "tags": [t.get("term") for t in e.get("tags", [])],
        "published": e.get("published_parsed") and list(e.published_parsed)[:6],
        "updated": e.get("updated_parsed") and list(e.updated_parsed)[:6],
    }
    links = [
        {"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")}
        for l in d.feed.get("links", [])
    ]
    return {
        "bozo": bool(d.bozo),
        "bozo_exception": str(d.get("bozo_exception", "")),
        "version": d.version,
        "encoding": d.get("encoding"),
        "title": d.feed.get("title"),
        "link": d.feed.get("link"),
        "language": d.feed.get("language"),
        "links": links,
        "entries": [entry(e) for e in d.entries],
    }


def jsonfeed(data, schema_path):
    import jsonschema

    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    doc = json.loads(data.decode("utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    for i, item in enumerate(doc.get("items", [])):
        for key in ("date_published", "date_modified"):
            if key in item:
                try:
                    datetime.datetime.fromisoformat(item[key].replace("Z", "+00:00"))
                except ValueError as e:
                    errors.append(f"items[{i}].{key}: {e}")
    return {"errors": errors}


def xsd(data, schema_path):
    import xmlschema

    schema = xmlschema.XMLSchema(schema_path)
    return {"errors": [str(e) for e in schema.iter_errors(data.decode("utf-8"))]}


def main():
    data = sys.stdin.buffer.read()
    command = sys.argv[1]
    if command == "feed":
        out = feed(data)
    elif command == "jsonfeed":
        out = jsonfeed(data, sys.argv[2])
    elif command == "xsd":
        out = xsd(data, sys.argv[2])
    else:
        sys.exit(f"unknown command {command}")
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()

//! `schema.graphql` is byte-equal to what the code exports. Run with `UPDATE_SCHEMA=1`
//! to rewrite it after an intended API change.

#[test]
fn committed_sdl_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let sdl = quire_tests::quire::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &sdl).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == sdl,
        "schema.graphql is out of date; run `UPDATE_SCHEMA=1 cargo test -p quire-tests --test schema` and commit it"
    );
}

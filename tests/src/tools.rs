//! External programs the tests run for real (a Python library's own verifier, a feed
//! parser, an S3-compatible server): they live in the virtualenv `target/pyenv` that
//! `.ci/run` fills from `.ci/requirements.txt`, or under `$QUIRE_PYENV`.

use std::path::{Path, PathBuf};

/// The virtualenv holding the test tools.
pub fn pyenv() -> PathBuf {
    std::env::var_os("QUIRE_PYENV").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/pyenv"),
        PathBuf::from,
    )
}

/// The path of `name` in the tools' virtualenv (`python`, `moto_server`, …); panics with
/// how to install the tools when it is missing, so a test never passes by skipping.
pub fn python_tool(name: &str) -> PathBuf {
    let path = pyenv().join("bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: `bash .ci/run` installs the test tools, or run \
         `python3 -m venv target/pyenv && target/pyenv/bin/pip install -r .ci/requirements.txt` \
         (Debian: `apt-get install python3-venv` first)",
        path.display()
    );
    path
}

//! `quire site get` and `quire site set`: the site settings from a shell, as the JSON
//! document [`service::site::editable`] makes and [`service::site::set`] takes.

use std::io::Read;

use sea_orm::DatabaseConnection;

use crate::{
    cli::{SiteCommand, SiteSetArgs},
    service::{self, site::SiteChanges},
};

pub async fn run(db: &DatabaseConnection, cmd: SiteCommand) -> anyhow::Result<()> {
    match cmd {
        SiteCommand::Get => print(db).await,
        SiteCommand::Set(args) => {
            let changes = changes(args)?;
            service::site::set(db, changes)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!("site settings updated");
            print(db).await
        }
    }
}

/// Prints the settings, and on stderr the menu items left out because their target is
/// gone.
async fn print(db: &DatabaseConnection) -> anyhow::Result<()> {
    let (doc, gone) = service::site::editable(db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{}", serde_json::to_string_pretty(&doc)?);
    for g in gone {
        eprintln!("left out {g}");
    }
    Ok(())
}

/// The file's document with the flags laid over it.
fn changes(args: SiteSetArgs) -> anyhow::Result<SiteChanges> {
    let mut c = match &args.file {
        None => SiteChanges::default(),
        Some(path) => {
            let text = if path.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                s
            } else {
                std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            };
            serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
    };
    c.title = args.title.or(c.title);
    c.language = args.language.or(c.language);
    c.timezone = args.timezone.or(c.timezone);
    if let Some(d) = args.description {
        c.description = Some(Some(d));
    }
    if let Some(u) = args.base_url {
        c.base_url = Some(Some(u));
    }
    if c == SiteChanges::default() {
        anyhow::bail!("nothing to change: give --file or a field such as --title");
    }
    Ok(c)
}

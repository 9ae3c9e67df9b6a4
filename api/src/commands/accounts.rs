//! `quire user …` and `quire apikey …`: account and key administration from a shell.

use std::io::BufRead;

use entity::user;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    auth::Secret,
    cli::{ApiKeyCommand, UserCommand},
    service::{
        account::{passwords, sessions, users},
        apikey, settings,
    },
};

fn role_name(r: user::Role) -> &'static str {
    sessions::role_name(r)
}

pub async fn user(db: &DatabaseConnection, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create {
            email,
            name,
            role,
            password_stdin,
        } => {
            let (password, generated) = password_from(password_stdin)?;
            let u = users::create_user(
                db,
                users::NewAccount {
                    email: &email,
                    name: &name,
                    role: role.into(),
                    password: &password,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "created {} <{}> as {} (slug {})",
                u.display_name,
                u.email,
                role_name(u.role),
                u.slug
            );
            if generated {
                println!("password (shown once): {password}");
            }
        }
        UserCommand::List => {
            for u in users::list_users(db)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                let state = if u.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.email,
                    role_name(u.role),
                    state,
                    u.slug,
                    u.display_name
                );
            }
        }
        UserCommand::SetRole { email, role } => {
            let u = users::find_user_by_email(db, &email)
                .await
                .map_err(|e| anyhow::anyhow!("{email}: {e}"))?;
            let u = users::set_role(db, u.id, role.into())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{} is now {}", u.email, role_name(u.role));
        }
        UserCommand::SetPassword {
            email,
            password_stdin,
        } => {
            let (password, generated) = password_from(password_stdin)?;
            let u = users::find_user_by_email(db, &email)
                .await
                .map_err(|e| anyhow::anyhow!("{email}: {e}"))?;
            let u = passwords::set_password(db, u.id, &password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "{} has a new password; its sessions are logged out",
                u.email
            );
            if generated {
                println!("password (shown once): {password}");
            }
        }
        UserCommand::SetEmail { email, to } => {
            let u = users::find_user_by_email(db, &email)
                .await
                .map_err(|e| anyhow::anyhow!("{email}: {e}"))?;
            let change = users::UserChange {
                email: Some(&to),
                ..Default::default()
            };
            let u = users::update_user(db, u.id, change)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{email} now logs in as {}", u.email);
        }
        UserCommand::Disable { email } => {
            let u = users::find_user_by_email(db, &email)
                .await
                .map_err(|e| anyhow::anyhow!("{email}: {e}"))?;
            users::set_disabled(db, u.id, true)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{email} is disabled; its sessions and tokens no longer work");
        }
        UserCommand::Enable { email } => {
            let u = users::find_user_by_email(db, &email)
                .await
                .map_err(|e| anyhow::anyhow!("{email}: {e}"))?;
            users::set_disabled(db, u.id, false)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{email} is enabled");
        }
    }
    Ok(())
}

/// The password to set: the first line of stdin, or a generated one (true: print it).
fn password_from(stdin: bool) -> anyhow::Result<(String, bool)> {
    if stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok((line.trim_end_matches(['\r', '\n']).to_owned(), false))
    } else {
        Ok((passwords::generate_password(), true))
    }
}

pub async fn apikey(
    db: &DatabaseConnection,
    secret: Option<Secret>,
    cmd: ApiKeyCommand,
) -> anyhow::Result<()> {
    match cmd {
        ApiKeyCommand::Create { name, role, admin } => {
            let master = settings::jwt_secret(db, secret.as_ref())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let creator = match admin {
                Some(email) => users::find_user_by_email(db, &email).await.map_err(|e| anyhow::anyhow!("{email}: {e}"))?,
                None => user::Entity::find()
                    .filter(user::Column::Role.eq(user::Role::Admin))
                    .filter(user::Column::DisabledAt.is_null())
                    .filter(user::Column::DeletedAt.is_null())
                    .order_by_asc(user::Column::Id)
                    .one(db)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no admin exists; create one first: quire user create --role admin --email … --name …"))?,
            };
            if creator.role != user::Role::Admin {
                anyhow::bail!(
                    "{} is not an admin; API keys act for an admin",
                    creator.email
                );
            }
            let (key, secret) = apikey::create(db, &master, &name, role.into(), creator.id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}:{secret}", key.key_id);
            eprintln!(
                "API key {:?} ({}) created; the line above is shown only once",
                key.name,
                role_name(key.role)
            );
        }
        ApiKeyCommand::List => {
            for k in apikey::list(db).await.map_err(|e| anyhow::anyhow!("{e}"))? {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!("{}\t{}\t{}\t{}", k.key_id, role_name(k.role), state, k.name);
            }
        }
        ApiKeyCommand::Revoke { key_id } => {
            apikey::revoke(db, &key_id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{key_id} is revoked");
        }
    }
    Ok(())
}

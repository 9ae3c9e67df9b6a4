//! Webhooks: the endpoints admins register, the outbox of events, one delivery per event
//! and endpoint, and the log of each delivery's attempts.
//!
//! An event is written by the same transaction as the change it describes (the
//! transactional outbox), with one delivery row for every endpoint that wants it; the
//! delivery worker of any server claims due deliveries, sends them and logs each try.
//! A scheduled publication is an event written when the post is scheduled and due at its
//! instant (`due_at`); `(post_id, scheduled_for)` is unique, so one scheduled instant of
//! a post is one event, whatever number of servers there are.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Id,
    Url,
    Description,
    Secret,
    Events,
    Status,
    StatusReason,
    ConsecutiveFailures,
    CreatedAt,
    UpdatedAt,
    DisabledAt,
}

#[derive(DeriveIden)]
enum WebhookEvents {
    Table,
    Id,
    MessageId,
    EventType,
    Body,
    PostId,
    ScheduledFor,
    DueAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    EventId,
    EndpointId,
    State,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    StartedAt,
    DurationMs,
    ResponseStatus,
    ResponseBody,
    Error,
    Succeeded,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use WebhookDeliveries as D;
        use WebhookEndpoints as P;
        use WebhookEvents as E;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_pk_auto(P::Id))
                    .col(string_len(P::Url, 2048))
                    .col(text_null(P::Description))
                    .col(string_len(P::Secret, 128))
                    .col(json(P::Events))
                    .col(string_len(P::Status, 16))
                    .col(text_null(P::StatusReason))
                    .col(integer(P::ConsecutiveFailures).default(0))
                    .col(timestamp_with_time_zone(P::CreatedAt))
                    .col(timestamp_with_time_zone(P::UpdatedAt))
                    .col(timestamp_with_time_zone_null(P::DisabledAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(big_pk_auto(E::Id))
                    .col(string_len_uniq(E::MessageId, 64))
                    .col(string_len(E::EventType, 64))
                    .col(text(E::Body))
                    .col(big_integer_null(E::PostId))
                    .col(timestamp_with_time_zone_null(E::ScheduledFor))
                    .col(timestamp_with_time_zone(E::DueAt))
                    .col(timestamp_with_time_zone(E::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_events_scheduled")
                    .table(E::Table)
                    .col(E::PostId)
                    .col(E::ScheduledFor)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(big_pk_auto(D::Id))
                    .col(big_integer(D::EventId))
                    .col(big_integer(D::EndpointId))
                    .col(string_len(D::State, 16))
                    .col(integer(D::Attempts).default(0))
                    .col(timestamp_with_time_zone(D::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(D::LeaseUntil))
                    .col(timestamp_with_time_zone(D::CreatedAt))
                    .col(timestamp_with_time_zone(D::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::EventId)
                            .to(E::Table, E::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::EndpointId)
                            .to(P::Table, P::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols, unique) in [
            (
                "idx_webhook_deliveries_due",
                vec![D::State, D::NextAttemptAt],
                false,
            ),
            (
                "idx_webhook_deliveries_endpoint",
                vec![D::EndpointId, D::Id],
                false,
            ),
            (
                "idx_webhook_deliveries_event",
                vec![D::EventId, D::EndpointId],
                true,
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(D::Table);
            for col in cols {
                index.col(col);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        use WebhookAttempts as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(big_pk_auto(A::Id))
                    .col(big_integer(A::DeliveryId))
                    .col(timestamp_with_time_zone(A::StartedAt))
                    .col(integer(A::DurationMs))
                    .col(integer_null(A::ResponseStatus))
                    .col(text_null(A::ResponseBody))
                    .col(text_null(A::Error))
                    .col(boolean(A::Succeeded))
                    .foreign_key(
                        ForeignKey::create()
                            .from(A::Table, A::DeliveryId)
                            .to(D::Table, D::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_attempts_delivery")
                    .table(A::Table)
                    .col(A::DeliveryId)
                    .col(A::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookAttempts::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            WebhookEvents::Table.into_iden(),
            WebhookEndpoints::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

//! What the server keeps in PostgreSQL, one module per concern.

pub mod access;
pub mod chains;
pub mod hierarchy;
pub mod journal;

use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Runs a statement of the push's path, prepared once per connection: a push
/// is a handful of statements, and parsing and planning each anew cost
/// PostgreSQL more than the rows.
pub(crate) async fn exec(
    tx: &Transaction<'_>,
    sql: &str,
    params: Params<'_>,
) -> Result<u64, tokio_postgres::Error> {
    let statement = tx.prepare_cached(sql).await?;
    tx.execute(&statement, params).await
}

pub(crate) async fn rows(
    tx: &Transaction<'_>,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<Row>, tokio_postgres::Error> {
    let statement = tx.prepare_cached(sql).await?;
    tx.query(&statement, params).await
}

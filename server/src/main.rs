//! `daftar-server`: the service, and the administrator's commands beside it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use axum::serve::ListenerExt;
use clap::{Parser, Subcommand};
use daftar_server::error::{Error, Result};
use daftar_server::store::{access, hierarchy, journal};
use daftar_server::{consolidate, db, http, keys, rollup, verify, web};
use daftar_sync::PublicKey;

#[derive(Parser)]
#[command(
    name = "daftar-server",
    about = "daftar's programme server on PostgreSQL"
)]
struct Cli {
    /// PostgreSQL URL, e.g. postgres://daftar@127.0.0.1:5432/daftar
    #[arg(long, env = "DAFTAR_DATABASE_URL", global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the HTTP service (migrating the schema first).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// The server's signing key; made (0600) if missing.
        #[arg(long)]
        key: PathBuf,
        /// Where the replica books for consolidation live (a cache).
        #[arg(long)]
        books: PathBuf,
        /// Places an organisation that arrives with no parent under this node.
        #[arg(long)]
        new_orgs_under: Option<String>,
        #[arg(long, default_value_t = 16)]
        pool_size: usize,
        /// Ingest only: leave consolidation to `daftar-server consolidate`
        /// running elsewhere (figures lag; pushes never wait for them).
        #[arg(long)]
        no_consolidation: bool,
        /// The server speaks plain HTTP, so it listens on a loopback address
        /// unless this says a TLS proxy is in front of it (docs/deployment.md).
        #[arg(long)]
        behind_tls_proxy: bool,
    },
    /// Consolidates every organisation whose figures are behind its chain,
    /// then keeps doing so every second (or once, with --once).
    Consolidate {
        #[arg(long)]
        books: PathBuf,
        #[arg(long)]
        once: bool,
    },
    /// Brings the schema up to date.
    Migrate,
    /// The hierarchy: add a node, or place an organisation under one.
    #[command(subcommand)]
    Node(NodeCommand),
    /// Adds a user and prints their token once (only its hash is kept).
    User {
        #[arg(long)]
        name: String,
        #[arg(long, conflicts_with = "node")]
        admin: bool,
        /// The node whose subtree a federation user sees.
        #[arg(long)]
        node: Option<String>,
    },
    /// Lets a registered device read an organisation (a restore or a recovery).
    Grant {
        #[arg(long)]
        org: String,
        #[arg(long)]
        device: String,
    },
    /// Verifies every chain the server holds (or one): exit 0 intact, 3 if not.
    Verify {
        #[arg(long)]
        org: Option<String>,
    },
    /// Prints a node's consolidated figures as JSON.
    Rollup {
        #[arg(long)]
        node: String,
        /// As of this day (YYYY-MM-DD); today by default.
        #[arg(long, conflicts_with = "month")]
        as_of: Option<String>,
        /// As of the last day of this month (YYYY-MM).
        #[arg(long)]
        month: Option<String>,
        /// The replica books (`serve --books`), for PAR30 and the grade.
        #[arg(long)]
        books: PathBuf,
    },
}

#[derive(Subcommand)]
enum NodeCommand {
    Add {
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        code: Option<String>,
        #[arg(long)]
        parent: Option<String>,
    },
    Place {
        #[arg(long)]
        org: String,
        #[arg(long)]
        parent: String,
        #[arg(long)]
        code: Option<String>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Tampered(_)) => ExitCode::from(3),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let url = cli
        .database
        .ok_or_else(|| Error::BadRequest("give --database or DAFTAR_DATABASE_URL".into()))?;
    let pool_size = match &cli.command {
        Command::Serve { pool_size, .. } => *pool_size,
        _ => 2,
    };
    let pool = db::pool(&url, pool_size)?;
    db::migrate(&pool).await?;
    journal::rebuild_pending(&pool).await?;
    let client = pool.get().await?;
    match cli.command {
        Command::Migrate => println!("schema is up to date"),
        Command::Serve {
            listen,
            key,
            books,
            new_orgs_under,
            no_consolidation,
            behind_tls_proxy,
            ..
        } => {
            plain_http_allowed(listen, behind_tls_proxy)?;
            let new_orgs_under = match new_orgs_under {
                Some(n) => Some(hierarchy::find(&**client, &n).await?.id),
                None => None,
            };
            drop(client);
            serve(pool, listen, key, books, new_orgs_under, !no_consolidation).await?;
        }
        Command::Node(NodeCommand::Add {
            kind,
            name,
            code,
            parent,
        }) => {
            let node =
                hierarchy::add_node(&**client, &kind, &name, code.as_deref(), parent.as_deref())
                    .await?;
            println!("{}", node.id);
        }
        Command::Node(NodeCommand::Place { org, parent, code }) => {
            let node = hierarchy::place(&**client, &org, &parent, code.as_deref()).await?;
            println!("{} is under {}", node.id, parent);
        }
        Command::User { name, admin, node } => {
            let node = match node {
                Some(n) => Some(hierarchy::find(&**client, &n).await?.id),
                None => None,
            };
            println!("{}", access::add_user(&pool, &name, admin, node).await?);
        }
        Command::Grant { org, device } => {
            let org = hierarchy::find(&**client, &org).await?.id;
            let key = PublicKey::parse(&device).map_err(|e| Error::BadRequest(e.to_string()))?;
            access::grant(&pool, org, &key, "daftar-server grant").await?;
            println!("{device} may read {org}");
        }
        Command::Consolidate { books, once } => {
            drop(client);
            std::fs::create_dir_all(&books)
                .map_err(|e| Error::Internal(format!("cannot make {}: {e}", books.display())))?;
            loop {
                let behind = consolidate::behind(&pool).await?;
                for org in &behind {
                    if let Err(e) = consolidate::consolidate(&pool, &books, *org).await {
                        eprintln!("{org}: {e}");
                    }
                }
                if once {
                    println!("{} organisations consolidated", behind.len());
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
        Command::Verify { org } => {
            let checks = match org {
                Some(o) => {
                    let id = hierarchy::find(&**client, &o).await?.id;
                    vec![verify::verify_chain(&pool, id).await?]
                }
                None => verify::verify_all(&pool).await?,
            };
            let mut broken = 0;
            for c in &checks {
                if c.problems.is_empty() {
                    println!("{} intact, head {}", c.org, c.head);
                } else {
                    broken += 1;
                    for p in &c.problems {
                        println!("{} TAMPERED: {p}", c.org);
                    }
                }
            }
            println!("{} chains, {broken} not intact", checks.len());
            if broken > 0 {
                return Err(Error::Tampered(broken));
            }
        }
        Command::Rollup {
            node,
            as_of,
            month,
            books,
        } => {
            let node = hierarchy::find(&**client, &node).await?;
            let as_of = rollup::as_of_day(as_of.as_deref(), month.as_deref())?;
            drop(client);
            let r = rollup::rollup(&pool, &books, node, as_of).await?;
            let text =
                serde_json::to_string_pretty(&r).map_err(|e| Error::Internal(e.to_string()))?;
            println!("{text}");
        }
    }
    Ok(())
}

/// Members' names and money must not cross a network in plain text: a
/// non-loopback address is refused unless a TLS proxy is said to be in front.
fn plain_http_allowed(listen: SocketAddr, behind_tls_proxy: bool) -> Result<()> {
    if listen.ip().is_loopback() || behind_tls_proxy {
        return Ok(());
    }
    Err(Error::BadRequest(format!(
        "daftar-server speaks plain HTTP and will not listen on {listen}, which other machines can reach: \
         put a TLS proxy in front of it (docs/deployment.md), listen on a loopback address, and give \
         --behind-tls-proxy if the proxy is on another host"
    )))
}

async fn serve(
    pool: deadpool_postgres::Pool,
    listen: SocketAddr,
    key: PathBuf,
    books: PathBuf,
    new_orgs_under: Option<uuid::Uuid>,
    consolidating: bool,
) -> Result<()> {
    let key = keys::load_or_create(&key)?;
    std::fs::create_dir_all(&books)
        .map_err(|e| Error::Internal(format!("cannot make {}: {e}", books.display())))?;
    let worker = if consolidating {
        let worker = consolidate::spawn_worker(pool.clone(), books.clone());
        for org in consolidate::behind(&pool).await? {
            let _ = worker.send(org);
        }
        worker
    } else {
        // Nobody listens: what a push asks to consolidate is left to `consolidate`.
        tokio::sync::mpsc::unbounded_channel().0
    };
    let state = Arc::new(http::State {
        pool,
        key,
        books_dir: books,
        consolidate: worker,
        new_orgs_under,
        devices: Default::default(),
    });
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| Error::Internal(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    // Scripts read this line for the port.
    println!("daftar-server listening on http://{addr}");
    // Answers go out at once: without TCP_NODELAY a small answer written in
    // two parts waits for the client's delayed ACK (tens of ms per push).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "TCP_NODELAY");
        }
    });
    // The protocol's routes, and the federation's pages beside them.
    let app = http::router(state.clone()).merge(web::router().with_state(state));
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| Error::Internal(format!("the service stopped: {e}")))
}

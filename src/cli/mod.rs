//! The command line: `huisclos serve | init | setup | setup-link | check | backup | verify |
//! restore | journal verify | evidence verify`. Parsing is clap's; each command is a few lines
//! calling the service, the backup module or the control socket. Errors print one sentence that
//! says what to do.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::backup;
use crate::config::Config;
use crate::crypto::MasterKey;
use crate::datadir::DataDir;
use crate::service::{self, keys};

mod box_key;
mod commands;
mod dkim_check;
mod evidence;
mod journal;
mod restore_dir;
mod vault;
use commands::{backup_to, dkim_generate, master_for, read_stdin_line, test_email};

#[derive(Parser)]
#[command(
    name = "huisclos",
    version,
    about = "Secure extranet and encrypted mail relay for law firms"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by the commands that work on a data folder.
#[derive(Args, Clone)]
struct Common {
    /// Configuration file (TOML); defaults apply without one.
    #[arg(long, env = "HUISCLOS_CONFIG")]
    config: Option<PathBuf>,
    /// Data folder (overrides `data_dir` of the config).
    #[arg(long)]
    data: Option<PathBuf>,
}

#[derive(Subcommand)]
enum DkimAction {
    /// Generate a signing key (0600) and print the TXT record to publish.
    Generate {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        selector: String,
        /// ed25519 (small, modern) or rsa (understood by every receiver).
        #[arg(long, default_value = "rsa")]
        kind: String,
        /// Where to write the key (default DATA/keys/dkim-SELECTOR.pem).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Look up the DKIM, SPF and DMARC records of the sending domain and say whether the
    /// published DKIM key is the configured one (exit status 0 only then).
    Check {
        #[command(flatten)]
        common: Common,
        /// DNS server to ask instead of those of /etc/resolv.conf: IP or IP:PORT.
        #[arg(long)]
        nameserver: Option<String>,
    },
}

#[derive(Subcommand)]
enum FirmAction {
    /// Add a firm and its administrator (password on stdin; an empty line sends the admin a
    /// link to choose one). Works with the server running or not.
    Add {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_name: Option<String>,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Evidence bundles of exhibits: `evidence verify BUNDLE` checks one offline.
    Evidence {
        #[command(subcommand)]
        action: evidence::EvidenceAction,
    },
    /// Space journals: `journal verify --space ID` or `journal verify --export FILE [--key PEM]`.
    Journal {
        #[command(subcommand)]
        action: journal::JournalAction,
    },
    /// Run the periodic jobs (reminders, purges, retention) now, through the running server
    /// or on the stopped box; prints what each job handled.
    Housekeeping {
        #[command(flatten)]
        common: Common,
        /// Run the jobs as of this instant (RFC 3339) instead of now. Test builds only: the
        /// jobs that purge and delete must never run ahead of time on a real box.
        #[arg(long, hide = true)]
        at: Option<String>,
    },
    /// The space keys vault (`keys/vault`), which backups do not hold: `keys export --out
    /// FILE`, `keys import --from FILE`; and the box's public signing key: `keys public`.
    Keys {
        #[command(subcommand)]
        action: vault::KeysAction,
    },
    /// Firms of the box.
    Firm {
        #[command(subcommand)]
        action: FirmAction,
    },
    /// Run the server.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address and port to listen on (overrides the config).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Sealed mode: no master key on disk, unlock with a passphrase in the browser.
        #[arg(long)]
        sealed: bool,
    },
    /// Create the data folder, the master key and, if needed, the TLS certificate.
    Init {
        #[command(flatten)]
        common: Common,
    },
    /// Create the firm and its administrator without a browser (password on stdin).
    Setup {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        firm: String,
        #[arg(long)]
        admin_email: String,
        /// The administrator's name (defaults to the address).
        #[arg(long)]
        admin_name: Option<String>,
    },
    /// Print a new one-time setup link (while the box has no firm).
    SetupLink {
        #[command(flatten)]
        common: Common,
    },
    /// Validate a configuration and print it, secrets hidden.
    Check {
        #[arg(long, env = "HUISCLOS_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Send a test e-mail through the configured relay and print the outcome.
    TestEmail {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        to: String,
        /// Seconds to wait for the relay's answer (0: queue it and return).
        #[arg(long, default_value_t = 30)]
        wait: u64,
    },
    /// DKIM keys: `dkim generate --selector S` writes a key and prints the DNS record;
    /// `dkim check` looks the published records up.
    Dkim {
        #[command(subcommand)]
        action: DkimAction,
    },
    /// Write an encrypted backup (works while the server runs).
    Backup {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a backup file: any changed byte is detected; with a key, every record too.
    Verify {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
        /// Master key of the box that made the backup, for a full check.
        #[arg(long)]
        master_key: Option<PathBuf>,
    },
    /// Restore a backup into a new data folder. FROM is a backup file, or a folder of
    /// scheduled backups ([backup] dir): its newest backup and the vault copy beside it.
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        data: PathBuf,
        /// Master key of the box that made the backup (else DATA/keys/master.key).
        #[arg(long)]
        master_key: Option<PathBuf>,
        /// A copy of the space keys vault (`huisclos keys export`); keys already in
        /// DATA/keys/vault are kept.
        #[arg(long)]
        keys: Option<PathBuf>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("huisclos: {e}");
            ExitCode::FAILURE
        }
    }
}

fn load(common: &Common) -> Result<Config, String> {
    let mut config = Config::load(common.config.as_deref()).map_err(|e| e.to_string())?;
    if let Some(d) = &common.data {
        config.data_dir = d.clone();
    }
    crate::logging::init(&config.log.level);
    Ok(config)
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Serve {
            common,
            listen,
            sealed,
        } => {
            let mut config = load(&common)?;
            if let Some(l) = listen {
                config.server.listen = l;
            }
            config.server.sealed |= sealed;
            config.validate().map_err(|e| e.to_string())?;
            service::serve(config)
        }
        Command::Init { common } => service::init(&load(&common)?),
        Command::Journal { action } => journal::run(action),
        Command::Evidence { action } => evidence::run(action),
        Command::Keys { action } => vault::run(action),
        Command::Housekeeping { common, at } => housekeeping(&load(&common)?, at.as_deref()),
        Command::Firm {
            action:
                FirmAction::Add {
                    common,
                    name,
                    admin_email,
                    admin_name,
                },
        } => {
            let config = load(&common)?;
            let data = DataDir::new(&config.data_dir);
            let mut line = String::new();
            let _ = std::io::stdin().lock().read_line(&mut line);
            let password = line.trim_end_matches(['\r', '\n']).to_owned();
            let req = json!({
                "op": "firm-add", "name": name, "admin_email": admin_email,
                "admin_name": admin_name.unwrap_or_default(), "password": password,
            });
            if crate::control::call(&data, &req)?.is_none() {
                let core = keys::open_core(&config, &data, &master_for(&data, None)?)?;
                crate::control::firm_add(&core, &req).map_err(|e| e.to_string())?;
            }
            println!(
                "Firm added; its administrator can sign in{}.",
                if password.is_empty() {
                    " with the link sent by e-mail"
                } else {
                    ""
                }
            );
            Ok(())
        }
        Command::Check { config } => {
            let config = Config::load(config.as_deref()).map_err(|e| e.to_string())?;
            if !config.smtp.host.is_empty() {
                match crate::net::resolve::resolve(&config.smtp.host, config.smtp.port) {
                    Ok(addrs) => println!("# [smtp] host resolves to {} address(es)", addrs.len()),
                    Err(e) => println!("# warning: {e}"),
                }
            }
            print!("{}", config.to_display_toml());
            println!("# configuration is valid");
            Ok(())
        }
        Command::SetupLink { common } => {
            let config = load(&common)?;
            let data = DataDir::new(&config.data_dir);
            if let Some((v, _)) = crate::control::call(&data, &json!({"op": "setup-link"}))? {
                println!("{}", v["url"].as_str().unwrap_or_default());
                return Ok(());
            }
            let core = keys::open_core(&config, &data, &master_for(&data, None)?)?;
            let token =
                crate::domain::firms::setup::issue_token(&core).map_err(|e| e.to_string())?;
            println!("{}/setup/{token}", config.base_url());
            Ok(())
        }
        Command::Setup {
            common,
            firm,
            admin_email,
            admin_name,
        } => {
            let config = load(&common)?;
            let data = DataDir::new(&config.data_dir);
            let password = read_stdin_line("administrator's password")?;
            let req = json!({
                "op": "setup", "firm": firm, "admin_email": admin_email,
                "admin_name": admin_name.clone().unwrap_or_else(|| admin_email.clone()),
                "password": password.expose(), "lang": "fr",
            });
            if crate::control::call(&data, &req)?.is_some() {
                println!("Firm created; the administrator can sign in.");
                return Ok(());
            }
            data.create().map_err(|e| e.to_string())?;
            let master = if config.server.sealed {
                master_for(&data, None)?
            } else {
                keys::load_or_create_master(&data)?
            };
            let core = keys::open_core(&config, &data, &master)?;
            crate::domain::firms::setup::complete(&core, None, &crate::control::setup_input(&req))
                .map_err(|e| e.to_string())?;
            println!("Firm created; the administrator can sign in.");
            Ok(())
        }
        Command::TestEmail { common, to, wait } => {
            let config = load(&common)?;
            let to = crate::domain::check_email(&to, "to")
                .map_err(|_| "--to is not an e-mail address".to_owned())?;
            test_email(&config, &to, wait)
        }
        Command::Dkim {
            action:
                DkimAction::Generate {
                    common,
                    selector,
                    kind,
                    out,
                },
        } => dkim_generate(&load(&common)?, &selector, &kind, out),
        Command::Dkim {
            action: DkimAction::Check { common, nameserver },
        } => dkim_check::run(&load(&common)?, nameserver.as_deref()),
        Command::Backup { common, out } => {
            let config = load(&common)?;
            backup_to(&config, &DataDir::new(&config.data_dir), &out)
        }
        Command::Verify {
            file,
            common,
            master_key,
        } => {
            let (header, _) = backup::read::check_integrity(&file)?;
            println!(
                "checksum: ok (made {} by Huis Clos {})",
                header.created_at, header.version
            );
            let data = common.data.as_ref().map(DataDir::new);
            let key = match (&master_key, &data) {
                (Some(k), _) => Some(
                    MasterKey::load(k).map_err(|e| format!("cannot read {}: {e}", k.display()))?,
                ),
                (None, Some(d)) => Some(master_for(d, None)?),
                (None, None) => None,
            };
            if let Some(key) = key {
                let (_, s) = backup::read::verify_with_key(&file, &key)?;
                println!(
                    "content: ok ({} records, {} files, all authenticated)",
                    s.rows, s.files
                );
            } else {
                println!(
                    "content: not checked (give --master-key FILE or --data DIR to check every record)"
                );
            }
            Ok(())
        }
        Command::Restore {
            from,
            data,
            master_key,
            keys: vault_copy,
        } => {
            crate::logging::init("info");
            let data = DataDir::new(data);
            let (from, found_vault) = restore_dir::resolve(&from)?;
            let vault_copy = vault_copy.or(found_vault);
            let (header, _) = backup::read::check_integrity(&from)?;
            let master = match (&master_key, header.sealed.as_ref()) {
                (Some(k), _) => {
                    MasterKey::load(k).map_err(|e| format!("cannot read {}: {e}", k.display()))?
                }
                (None, Some(params)) if !data.master_key().exists() => {
                    let pass = read_stdin_line("passphrase")?;
                    MasterKey::unseal(pass.expose(), params)
                        .map_err(|_| "the passphrase is not the right one".to_owned())?
                }
                (None, _) => master_for(&data, None)?,
            };
            let s = backup::read::restore(&from, &data, &master)?;
            if header.sealed.is_none() && !data.master_key().exists() {
                master
                    .save_new(&data.master_key())
                    .map_err(|e| e.to_string())?;
            }
            if let Some(file) = &vault_copy {
                vault::import_into(&data, &crate::crypto::Keyring::new(&master), file)?;
            }
            // Opening runs the migrations a backup from an older version needs.
            let core = keys::open_core(&Config::default(), &data, &master)?;
            println!(
                "restored {} records and {} files into {}",
                s.rows,
                s.files,
                data.root().display()
            );
            let locked = crate::domain::spaces::without_key(&core).map_err(|e| e.to_string())?;
            if locked > 0 {
                println!(
                    "warning: {locked} spaces cannot be opened: their key is not in {} (deleted since that vault copy, or created after it). Give --keys FILE (a `huisclos keys export` copy) or run `huisclos keys import`",
                    data.vault().display()
                );
            }
            Ok(())
        }
    }
}

/// `huisclos housekeeping [--at INSTANT]`: one line per job, `name: handled` (or `failed`,
/// see the log).
fn housekeeping(config: &Config, at: Option<&str>) -> Result<(), String> {
    let at = match at {
        None => None,
        Some(s) => Some(
            crate::model::localtime::parse_rfc3339(s)
                .ok_or("--at must be an RFC 3339 instant, such as 2026-11-05T08:00:00+01:00")?,
        ),
    };
    let data = DataDir::new(&config.data_dir);
    let req = json!({"op": "housekeeping", "at": at});
    let answer = match crate::control::call(&data, &req)? {
        Some((v, _)) => v,
        None => {
            let core = keys::open_core(config, &data, &master_for(&data, None)?)?;
            crate::control::housekeeping(&core, at)
        }
    };
    if answer["ok"] == json!(false) {
        return Err(answer["error"]
            .as_str()
            .unwrap_or("housekeeping failed")
            .to_owned());
    }
    let jobs = answer["jobs"].as_object().cloned().unwrap_or_default();
    for (name, n) in &jobs {
        match n.as_u64() {
            Some(n) => println!("{name}: {n}"),
            None => println!("{name}: failed (see the log)"),
        }
    }
    Ok(())
}

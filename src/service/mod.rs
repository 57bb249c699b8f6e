//! Running the box: `serve` (the long-running server) and `init` (keys and folders).
//!
//! `serve` opens the keys (or waits for the passphrase in sealed mode), starts the web front
//! and the control socket, tells systemd it is ready, and on SIGTERM stops accepting, lets
//! requests in flight finish, and closes the database cleanly.

mod certificate;
pub mod housekeeping;
pub mod keys;
pub mod notify;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::datadir::DataDir;
use crate::domain::{Core, firms::setup};
use crate::web::{App, State};

/// Creates the data folder, the master key (unless sealed) and the TLS certificate the
/// config needs. Idempotent: existing keys are kept.
pub fn init(config: &Config) -> Result<(), String> {
    let data = DataDir::new(&config.data_dir);
    data.create().map_err(|e| {
        format!(
            "cannot create the data folder {}: {e}",
            data.root().display()
        )
    })?;
    close_data_folder(&data);
    if !config.server.sealed {
        let master = keys::load_or_create_master(&data)?;
        let ring = crate::crypto::Keyring::new(&master);
        crate::crypto::signing::SigningKey::load_or_create(&ring, &data.signing_key())?;
    }
    if config.tls_mode() == crate::config::TlsMode::Generated {
        let fp = crate::tls::ensure_generated(&data, config).map_err(|e| e.to_string())?;
        println!("TLS certificate SHA-256 fingerprint: {fp}");
    }
    println!("Data folder ready: {}", data.root().display());
    Ok(())
}

/// Closes what an older version left open to group or others in the data folder (the
/// database 0644, blob folders 0755): see `datadir::modes`. Before the database is opened.
fn close_data_folder(data: &DataDir) {
    match crate::datadir::tighten(data) {
        Ok(t) if t == crate::datadir::Tightened::default() => {}
        Ok(t) => log::info!(
            "data folder: {} files and {} folders were open to other users; now private to the service user",
            t.files,
            t.dirs
        ),
        Err(e) => log::warn!(
            "data folder: modes not checked ({e}); everything in it must belong to the service user"
        ),
    }
}

/// Prints how to reach the setup page, if the box still needs it.
fn announce_setup(core: &Core, config: &Config) {
    match setup::is_pending(core) {
        Ok(true) => {}
        _ => return,
    }
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        // Under systemd the journal would keep the token: print how to get it instead.
        log::info!("setup pending: run `huisclos setup-link --config …` to get the one-time link");
        return;
    }
    match setup::issue_token(core) {
        Ok(token) => eprintln!(
            "Setup link (valid once): {}/setup/{token}",
            config.base_url()
        ),
        Err(e) => log::error!("cannot issue a setup link: {e}"),
    }
}

/// Prints the one-time link that lets the person who started a new sealed box choose its
/// passphrase (then name the firm): the same rule as the setup link, which the box cannot
/// keep before it has a key.
fn announce_seal_link(app: &crate::web::App) {
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        log::info!(
            "sealed, first start: run `huisclos setup-link --config …` to get the one-time link"
        );
        return;
    }
    if let Some(link) = app.issue_seal_link() {
        eprintln!("Setup link (valid once, choose the passphrase): {link}");
    }
}

/// The mail worker of the running box, started once the core is open.
type WorkerSlot = Arc<std::sync::Mutex<Option<crate::mail::worker::Worker>>>;
/// The housekeeping thread of the running box, started with the mail worker.
type KeeperSlot = Arc<std::sync::Mutex<Option<housekeeping::Housekeeper>>>;

fn start_mail(core: &Arc<Core>, config: &Config, slot: &WorkerSlot) {
    let result = crate::mail::deliver::Deliverer::from_config(config, &core.data).and_then(|d| {
        if !d.is_relay() {
            log::warn!("no SMTP relay configured: mails are written to DATA/mail and clients are not notified");
        }
        let from = crate::mail::deliver::from_mailbox(config)?;
        crate::mail::worker::Worker::start(core.clone(), d, from, config.mail.clone())
    });
    match result {
        Ok(w) => *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(w),
        Err(e) => log::error!("mail relay not started: {e}"),
    }
}

/// Removes unfinished uploads and files a crash left without a record (written, then the
/// process died before the commit). Runs before any request can upload (at start, or at the
/// unlock of a sealed box), so no upload can be between its file and its record. The
/// referenced files come from the blob index (ids only, no record is opened), so the start
/// of a box with a million documents stays in seconds.
pub(crate) fn sweep(core: &Core) {
    let started = Instant::now();
    // Before the orphan sweep (which then takes their raw copies) and before any gateway
    // session can use this core.
    match crate::gateway::recover::at_start(core, crate::model::time::now()) {
        Ok((0, 0)) => {}
        Ok((d, c)) => log::info!("gateway: {d} unfinished drafts discarded, {c} mails completed"),
        Err(e) => log::error!("gateway: unfinished submissions not recovered: {e:?}"),
    }
    // An index added by an upgrade is filled before any request reads it.
    match crate::store::spaces::invites::complete_index(&core.store) {
        Ok(0) => {}
        Ok(n) => log::info!("invitation index filled: {n} invitations"),
        Err(e) => log::warn!("invitation index not filled (listings read every invitation): {e}"),
    }
    let mut referenced = 0;
    // The blobs of unfinished resumable uploads are live too: they resume after a restart.
    let swept = crate::domain::documents::referenced_blobs(core)
        .and_then(|mut used| {
            used.extend(crate::domain::documents::uploads::live_blobs(core)?);
            // Exhibits own their files (and stamped copies, bordereaux): see store::arbitration::exhibits.
            used.extend(crate::domain::arbitration::exhibits::referenced_blobs(
                core,
            )?);
            // So are the files of the drop boxes' deposits (their own keys, no document).
            used.extend(crate::domain::drop_box::live_blobs(core)?);
            // The files of secure mails (sent, drafts, replies) are under their own keys.
            used.extend(crate::domain::secure_mail::live_blobs(core)?);
            Ok(used)
        })
        .map_err(|e| std::io::Error::other(e.to_string()))
        .and_then(|used| {
            referenced = used.len();
            core.blobs.sweep(|id| used.contains(&id), Duration::ZERO)
        });
    let ms = started.elapsed().as_millis();
    match swept {
        Ok(n) => log::info!(
            "sweep: {referenced} files referenced, {n} unfinished or orphan files removed ({ms} ms)"
        ),
        Err(e) => log::warn!("sweep of orphan files failed: {e}"),
    }
}

fn after_ready(core: &Arc<Core>, config: &Config, slot: &WorkerSlot, keeper: &KeeperSlot) {
    start_mail(core, config, slot);
    match housekeeping::Housekeeper::start(core.clone()) {
        Ok(k) => *keeper.lock().unwrap_or_else(|p| p.into_inner()) = Some(k),
        Err(e) => log::error!("{e}"),
    }
    announce_setup(core, config);
}

/// Renews the generated TLS certificate if it nears its end; served from the next handshake.
fn renew_certificate(cert: &crate::tls::Generated) {
    match cert.renew_if_due(crate::model::time::now()) {
        Ok(None) => {}
        Ok(Some(fingerprint)) => {
            log::info!("TLS certificate renewed; SHA-256 fingerprint: {fingerprint}")
        }
        Err(e) => log::error!("TLS certificate not renewed ({e}); it is tried again later"),
    }
}

/// How long a stop waits for requests in progress (systemd's own limit is longer).
const STOP_GRACE_SECS: u64 = 20;

/// Runs the server until SIGTERM or SIGINT.
pub fn serve(config: Config) -> Result<(), String> {
    crate::domain::server::mark_started(crate::model::time::now());
    let config = Arc::new(config);
    let data = DataDir::new(&config.data_dir);
    data.create().map_err(|e| {
        format!(
            "cannot create the data folder {}: {e}",
            data.root().display()
        )
    })?;
    close_data_folder(&data);
    let state = if config.server.sealed {
        if data.master_key().exists() {
            return Err("sealed mode, but keys/master.key exists: a sealed box keeps no key on disk; start without --sealed".into());
        }
        State::Locked
    } else {
        let master = keys::load_or_create_master(&data)?;
        State::Ready(Arc::new(keys::open_core(&config, &data, &master)?))
    };
    let tls = crate::tls::load(&config, &data).map_err(|e| e.to_string())?;
    if let Some(t) = &tls {
        eprintln!("TLS certificate SHA-256 fingerprint: {}", t.fingerprint);
    }
    let generated_cert = tls.as_ref().and_then(|t| t.generated.clone());
    let acme_resolver = tls.as_ref().and_then(|t| t.acme.clone());
    let mut app = App::new(config.clone(), data.clone(), state, tls.is_some())?;
    let cfg = config.clone();
    let worker: WorkerSlot = Arc::default();
    let keeper: KeeperSlot = Arc::default();
    let (slot, keeper2) = (worker.clone(), keeper.clone());
    app.on_unlock = Box::new(move |core| after_ready(core, &cfg, &slot, &keeper2));
    let app = Arc::new(app);

    let term = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, term.clone())
            .map_err(|e| format!("cannot install signal handler: {e}"))?;
    }

    if let State::Ready(core) = app.state() {
        sweep(&core);
    }
    let server = crate::web::server::start(app.clone(), &config, tls.map(|t| t.config))?;
    let control = crate::control::Listener::start(app.clone())?;
    let acme = match acme_resolver {
        Some(r) => certificate::start(&config, &data, r, app.clone())?,
        None => None,
    };
    if config.gateway.enabled() {
        let mail_tls = crate::tls::load_for_mail(&config, &data).map_err(|e| e.to_string())?;
        let app2 = app.clone();
        crate::gateway::start(&config, mail_tls, Arc::new(move || app2.core()))?;
    }
    eprintln!(
        "Huis Clos {} listening on {}",
        crate::VERSION,
        config.base_url()
    );
    match app.state() {
        State::Ready(core) => after_ready(&core, &config, &worker, &keeper),
        State::Locked if app.first_seal() => announce_seal_link(&app),
        State::Locked => eprintln!(
            "Sealed: open {}/unlock to enter the passphrase",
            config.base_url()
        ),
    }
    notify::ready();

    let watchdog = notify::watchdog_interval();
    let mut last_ping = Instant::now();
    let mut last_cert_check = Instant::now();
    while !term.load(Ordering::Relaxed) {
        server.poll_timeout(Duration::from_millis(200));
        // Checked here rather than by the housekeeping jobs: a sealed box serves TLS
        // before it is unlocked, and the certificate needs no key of the core.
        if let Some(cert) = &generated_cert
            && last_cert_check.elapsed() >= housekeeping::EVERY
        {
            renew_certificate(cert);
            last_cert_check = Instant::now();
        }
        if let Some(every) = watchdog
            && last_ping.elapsed() >= every
        {
            // Only a box whose database answers tells systemd it is alive.
            if app.core().is_none_or(|c| c.store.ping().is_ok()) {
                notify::watchdog();
            }
            last_ping = Instant::now();
        }
    }

    notify::stopping();
    log::info!("stopping: finishing requests in flight");
    drop(control);
    drop(acme);
    // Refuse new connections, close idle ones, and keep serving the requests in progress.
    server.stop_accepting();
    let deadline = Instant::now() + Duration::from_secs(STOP_GRACE_SECS);
    while server.num_connections() > 0 && Instant::now() < deadline {
        server.poll_timeout(Duration::from_millis(50));
    }
    server.join();
    drop(server);
    drop(keeper.lock().unwrap_or_else(|p| p.into_inner()).take());
    // The worker finishes the mail it is sending; the others stay queued for the next start.
    drop(worker.lock().unwrap_or_else(|p| p.into_inner()).take());
    match Arc::try_unwrap(app) {
        Ok(app) => drop(app),
        Err(_) => log::warn!("the web front still holds the database; it closes at exit"),
    }
    log::info!("stopped cleanly");
    Ok(())
}

#[cfg(test)]
mod sweep_tests;

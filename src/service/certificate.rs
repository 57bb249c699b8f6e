//! The ACME certificate of a running box (`[acme]`): starts the renewal thread of
//! [`crate::tls::acme`] and turns its warnings into mails to the box operators (the
//! accounts that see `/operator`), through the outbox like every mail: content-free, a
//! link to the operator page.

use std::sync::Arc;

use crate::config::Config;
use crate::datadir::DataDir;
use crate::domain::Core;
use crate::mail::{Recipient, Sender};
use crate::tls::acme::{self, Manager, Resolver, Warning};
use crate::web::App;

/// Starts the thread and the HTTP-01 port; warnings wait for the core (a sealed box sends
/// them once unlocked).
pub fn start(
    config: &Config,
    data: &DataDir,
    resolver: Arc<Resolver>,
    app: Arc<App>,
) -> Result<Option<Manager>, String> {
    let Some(cfg) = config.acme.clone() else {
        return Ok(None);
    };
    let store = acme::store::Store::open(&acme::dir(data)).map_err(|e| e.to_string())?;
    // A weak handle: the thread is not joined at stop, and must not keep the database open.
    let app = Arc::downgrade(&app);
    let warn = Box::new(move |w: Warning| {
        app.upgrade()
            .and_then(|app| app.core())
            .is_some_and(|core| warn_operators(&core, w))
    });
    Manager::start(cfg, config.server.listen.port(), store, resolver, warn).map(Some)
}

/// Queues the alert for every active operator; `true` when the outbox took it.
fn warn_operators(core: &Core, warning: Warning) -> bool {
    let accounts = match crate::store::accounts::all(&core.store) {
        Ok(a) => a,
        Err(e) => {
            log::error!("certificate alert not queued: {e}");
            return false;
        }
    };
    let (failed, days) = match warning {
        Warning::Failed => (true, 0),
        Warning::ExpiresSoon { days } => (false, days),
    };
    for a in accounts.iter().filter(|a| a.operator && a.active) {
        let to = Recipient {
            email: a.email.clone(),
            name: a.name.clone(),
            lang: a.lang.clone(),
            firm: a.firm,
        };
        match core
            .mail
            .certificate_alert(&core.store, &to, &Sender::neutral(), failed, days)
        {
            Ok(id) => log::info!("certificate alert {id} queued for account {}", a.id),
            Err(e) => {
                log::error!("certificate alert for account {} not queued: {e}", a.id);
                return false;
            }
        }
    }
    true
}

//! Request guards: each turns the request's context into a typed right, or into the error
//! the user sees (sign-in page, or a 404 that tells nothing). Handlers stay short.

use std::sync::Arc;

use super::context::Ctx;
use crate::domain::Core;
use crate::domain::access::{self, Denied, FirmAdmin, SpaceAccess, Staff};
use crate::error::AppError;
use crate::ids::SpaceId;
use crate::store::accounts::Account;

impl<'a> Ctx<'a> {
    /// The unlocked core and the signed-in account.
    pub fn signed_in(&self) -> Result<(&Arc<Core>, &Account), AppError> {
        Ok((self.core()?, self.user()?))
    }

    /// A staff member of a firm.
    pub fn staff(&self) -> Result<Staff<'_>, AppError> {
        access::staff(self.user()?).ok_or(AppError::NotFound)
    }

    /// The administrator of a firm.
    pub fn firm_admin(&self) -> Result<FirmAdmin<'_>, AppError> {
        access::firm_admin(self.user()?).ok_or(AppError::NotFound)
    }

    /// The box operator.
    pub fn operator(&self) -> Result<&Account, AppError> {
        let a = self.user()?;
        if a.operator && a.active {
            Ok(a)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The access check for the space named by a path segment.
    pub fn space(&self, id: Option<&&str>) -> Result<SpaceAccess, AppError> {
        let id = id
            .and_then(|s| SpaceId::parse(s))
            .ok_or(AppError::NotFound)?;
        let (core, user) = self.signed_in()?;
        access::space(core, user, id).map_err(|e| match e {
            // A member held back by the confidentiality undertaking is sent to it.
            Denied::NotFound => super::ui::mediation::undertaking_show::refusal(core, user, id),
            Denied::Store(e) => AppError::from(e),
        })
    }

    /// The client's network address, as a string for throttling and the journal.
    pub fn ip(&self) -> String {
        self.client_ip.map(|i| i.to_string()).unwrap_or_default()
    }

    /// The browser's User-Agent (for the list of one's sessions).
    pub fn agent(&self) -> &str {
        &self.user_agent
    }
}

//! A firm's branding on its spaces: name, colour and logo. The logo is checked by its bytes
//! (PNG, JPEG or WebP only: an SVG could carry script) and its size; it is shown only to the
//! firm's staff and to members of the firm's spaces (co-piloted ones included), so a logo
//! URL tells an outsider nothing.

use crate::domain::{Core, Invalid};

use crate::ids::FirmId;
use crate::model::time;
use crate::store::StoreError;
use crate::store::accounts::Account;
use crate::store::firms::logos::{self, Logo};
use crate::store::spaces;

/// Largest logo accepted.
pub const MAX_LOGO: usize = 256 * 1024;

/// The image type of `bytes`, from their signature.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

pub fn set_logo(core: &Core, firm: FirmId, bytes: &[u8]) -> Result<(), LogoError> {
    if bytes.len() > MAX_LOGO {
        return Err(LogoError::Invalid(Invalid {
            field: "logo",
            key: "error_logo_too_large",
        }));
    }
    let content_type = sniff(bytes).ok_or(LogoError::Invalid(Invalid {
        field: "logo",
        key: "error_logo_type",
    }))?;
    let logo = Logo {
        content_type: content_type.to_owned(),
        data: data_encoding::BASE64.encode(bytes),
        updated_at: time::now(),
    };
    logos::set_logo(&core.store, firm, Some(&logo))?;
    log::info!("logo of firm {firm} changed");
    Ok(())
}

pub fn remove_logo(core: &Core, firm: FirmId) -> Result<(), StoreError> {
    logos::set_logo(&core.store, firm, None)
}

#[derive(Debug)]
pub enum LogoError {
    Invalid(Invalid),
    Store(StoreError),
}

impl From<StoreError> for LogoError {
    fn from(e: StoreError) -> Self {
        LogoError::Store(e)
    }
}

/// Whether `viewer` may see `firm`'s branding: its staff, or a member of one of its spaces.
pub fn may_see(core: &Core, viewer: &Account, firm: FirmId) -> Result<bool, StoreError> {
    if viewer.firm == Some(firm) {
        return Ok(true);
    }
    for (space, _) in spaces::of_account(&core.store, viewer.id)? {
        if let Some(e) = spaces::entry(&core.store, space)?
            && e.deleted_at.is_none()
            && (e.firm == firm || e.co_firm == Some(firm))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The logo's type and bytes, for a viewer allowed to see it.
pub fn logo_for(
    core: &Core,
    viewer: &Account,
    firm: FirmId,
) -> Result<Option<(String, Vec<u8>, i64)>, StoreError> {
    if !may_see(core, viewer, firm)? {
        return Ok(None);
    }
    let Some(l) = logos::get_logo(&core.store, firm)? else {
        return Ok(None);
    };
    let bytes = data_encoding::BASE64
        .decode(l.data.as_bytes())
        .map_err(|_| StoreError::Corrupt("logo"))?;
    Ok(Some((l.content_type, bytes, l.updated_at)))
}

#[derive(Debug, serde::Serialize)]
pub struct FirmBrand {
    pub id: String,
    pub name: String,
    pub colour: String,
    pub logo: bool,
}

#[derive(Debug, serde::Serialize)]
pub struct SpaceBrand {
    pub firm: Option<FirmBrand>,
    pub co_firm: Option<FirmBrand>,
}

fn brand(core: &Core, firm: FirmId) -> Result<Option<FirmBrand>, StoreError> {
    let Some(p) = crate::store::firms::profile(&core.store, firm)? else {
        return Ok(None);
    };
    Ok(Some(FirmBrand {
        id: firm.hex(),
        name: p.name,
        colour: p.colour,
        logo: logos::get_logo(&core.store, firm)?.is_some(),
    }))
}

/// The branding a space shows: its firm's, and its co-pilot's when it has one.
pub fn of_space(
    core: &Core,
    entry: &crate::store::spaces::SpaceEntry,
) -> Result<SpaceBrand, StoreError> {
    Ok(SpaceBrand {
        firm: brand(core, entry.firm)?,
        co_firm: match entry.co_firm {
            Some(f) => brand(core, f)?,
            None => None,
        },
    })
}

/// Relative luminance of `#rrggbb` (WCAG 2), or `None` for anything else.
fn luminance(colour: &str) -> Option<f64> {
    let hex = colour.strip_prefix('#').filter(|h| h.len() == 6)?;
    let channel = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

/// The stylesheet that dresses pages in a firm's colour. The colour is used only when white
/// text on it, and it as text on white, keep a contrast of 4.5:1 (WCAG AA); otherwise the
/// default colours stay, so a pale brand colour never makes pages unreadable.
pub fn theme_css(colour: &str) -> String {
    match luminance(colour) {
        Some(l) if 1.05 / (l + 0.05) >= 4.5 => {
            format!(":root {{ --brand: {colour}; --brand-ink: #ffffff; }}\n")
        }
        _ => "/* the firm's colour lacks contrast: default colours kept */\n".to_owned(),
    }
}

/// The theme of `firm` for a viewer allowed to see its branding.
pub fn theme_for(
    core: &Core,
    viewer: &Account,
    firm: FirmId,
) -> Result<Option<String>, StoreError> {
    if !may_see(core, viewer, firm)? {
        return Ok(None);
    }
    Ok(crate::store::firms::profile(&core.store, firm)?.map(|p| theme_css(&p.colour)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_are_accepted() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn a_pale_colour_is_not_used() {
        assert!(theme_css("#1f3a5f").contains("--brand: #1f3a5f"));
        assert!(!theme_css("#ffee00").contains("--brand:"));
        assert!(!theme_css("red; } body { x").contains("--brand:"));
    }
}

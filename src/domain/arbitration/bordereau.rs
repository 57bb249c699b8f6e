//! The bordereau de communication de pièces: the PDF that lists what a party communicated,
//! as a court or an arbitral tribunal expects it. A4, DejaVu Sans embedded as a subset
//! (`crate::pdf::font`: parties and titles in any European script are written as they are),
//! in French whatever the interface language, since it is a procedural document filed in
//! French: the court or tribunal, the case number, the parties in procedural order with
//! their counsel, the communicating party and its counsel, the date and time, then a
//! numbered table (number, title, date of the document, short SHA-256) that continues on
//! as many pages as needed with its header repeated, an annex with every full SHA-256, and
//! "page n / N" on every page. The output depends only on the input (same bytes again).

use crate::pdf::{A4, Canvas, Font, wrap};

/// A party as the bordereau names it.
#[derive(Debug, Clone)]
pub struct PartyLine {
    pub name: String,
    /// "Demandeur", "Défendeur"…
    pub role: String,
    pub lawyer: String,
}

/// One exhibit of the table.
#[derive(Debug, Clone)]
pub struct ItemLine {
    /// "12", "12 bis", "D-12".
    pub number: String,
    pub title: String,
    /// `YYYY-MM-DD`, if known.
    pub date: Option<String>,
    /// The SHA-256 of the file as communicated (hex).
    pub sha256: String,
}

#[derive(Debug, Clone)]
pub struct Bordereau {
    pub court: String,
    pub case_number: String,
    /// In procedural order.
    pub parties: Vec<PartyLine>,
    pub from: PartyLine,
    /// Who it is communicated to: "Société Beta (Défendeur)", "le Tribunal".
    pub recipients: Vec<String>,
    /// When (Unix seconds), shown in Paris time.
    pub at: i64,
    /// The communication's id, printed in the footer.
    pub reference: String,
    pub items: Vec<ItemLine>,
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `3 mars 2026` and `14:05`, Paris time.
pub fn french_date(unix: i64) -> (String, String) {
    let l = crate::model::localtime::to_local(unix);
    let month = MONTHS
        .get((l.month as usize).wrapping_sub(1))
        .unwrap_or(&"");
    let day = if l.day == 1 {
        "1er".to_owned()
    } else {
        l.day.to_string()
    };
    (format!("{day} {month} {}", l.year), l.time)
}

/// `2024-03-05` → `05/03/2024` (anything else as it is).
pub fn short_date(iso: &str) -> String {
    let p: Vec<&str> = iso.split('-').collect();
    match p.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

const LEFT: f32 = 50.0;
const RIGHT: f32 = A4.0 - 50.0;
const TOP: f32 = A4.1 - 50.0;
const BOTTOM: f32 = 70.0;
/// Column left edges and widths of the table: number, title, date, SHA-256.
const COLS: [(f32, f32); 4] = [
    (LEFT, 62.0),
    (LEFT + 62.0, 258.0),
    (LEFT + 320.0, 62.0),
    (LEFT + 382.0, RIGHT - LEFT - 382.0),
];
const BODY: f32 = 9.5;
const LEAD: f32 = 12.0;

/// Pages being filled top to bottom.
struct Pages {
    done: Vec<Canvas>,
    page: Canvas,
    y: f32,
}

impl Pages {
    fn new() -> Pages {
        Pages {
            done: Vec::new(),
            page: Canvas::new(),
            y: TOP,
        }
    }

    fn break_page(&mut self) {
        self.done.push(std::mem::take(&mut self.page));
        self.y = TOP;
    }

    /// Makes room for `h` points, on a new page if needed; true if a page was started.
    fn need(&mut self, h: f32) -> bool {
        if self.y - h < BOTTOM {
            self.break_page();
            return true;
        }
        false
    }

    /// A paragraph wrapped to the text width.
    fn para(&mut self, font: Font, size: f32, text: &str, indent: f32) {
        for line in wrap(text, font, size, RIGHT - LEFT - indent) {
            self.need(size * 1.3);
            self.y -= size * 1.3;
            self.page.text(LEFT + indent, self.y, font, size, &line);
        }
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    fn table_header(&mut self) {
        let h = LEAD + 8.0;
        self.page
            .rect(LEFT, self.y - h, RIGHT - LEFT, h, Some(0.88), true);
        let heads = ["N°", "Intitulé de la pièce", "Date", "SHA-256 (début)"];
        for ((x, _), t) in COLS.iter().zip(heads) {
            self.page.text(x + 4.0, self.y - LEAD, Font::Bold, BODY, t);
        }
        self.y -= h;
    }

    fn row(&mut self, item: &ItemLine) {
        let number = wrap(&item.number, Font::Bold, BODY, COLS[0].1 - 8.0);
        let title = wrap(&item.title, Font::Regular, BODY, COLS[1].1 - 8.0);
        let lines = number.len().max(title.len()).max(2);
        let h = lines as f32 * LEAD + 6.0;
        if self.need(h) {
            self.table_header();
        }
        let top = self.y;
        self.page.rect(LEFT, top - h, RIGHT - LEFT, h, None, true);
        for (i, l) in number.iter().enumerate() {
            let y = top - LEAD * (i as f32 + 1.0);
            self.page.text(COLS[0].0 + 4.0, y, Font::Bold, BODY, l);
        }
        for (i, l) in title.iter().enumerate() {
            let y = top - LEAD * (i as f32 + 1.0);
            self.page.text(COLS[1].0 + 4.0, y, Font::Regular, BODY, l);
        }
        let date = item.date.as_deref().map(short_date).unwrap_or_default();
        self.page
            .text(COLS[2].0 + 4.0, top - LEAD, Font::Regular, BODY, &date);
        let sha = &item.sha256;
        let (a, b) = (sha.get(..16).unwrap_or(sha), sha.get(16..32).unwrap_or(""));
        self.page
            .text(COLS[3].0 + 4.0, top - LEAD, Font::Mono, 8.0, a);
        self.page.text(
            COLS[3].0 + 4.0,
            top - 2.0 * LEAD,
            Font::Mono,
            8.0,
            &format!("{b}…"),
        );
        for (x, _) in &COLS[1..] {
            self.page.line(*x, top, *x, top - h, 0.5);
        }
        self.y -= h;
    }
}

/// The PDF of the bordereau.
pub fn render(b: &Bordereau) -> Result<Vec<u8>, String> {
    let mut p = Pages::new();
    let (date, time) = french_date(b.at);
    p.para(Font::Bold, 11.0, &b.court, 0.0);
    p.para(
        Font::Regular,
        10.0,
        &format!("N° RG / n° d'affaire : {}", b.case_number),
        0.0,
    );
    p.gap(22.0);
    p.y -= 16.0;
    p.page.text_centred(
        A4.0 / 2.0,
        p.y,
        Font::Bold,
        15.0,
        "BORDEREAU DE COMMUNICATION DE PIÈCES",
    );
    p.gap(16.0);
    p.para(Font::Bold, 10.0, "Parties à l'instance :", 0.0);
    for (i, party) in b.parties.iter().enumerate() {
        let counsel = if party.lawyer.is_empty() {
            String::new()
        } else {
            format!(" — Conseil : {}", party.lawyer)
        };
        let text = format!("{}. {} — {}{counsel}", i + 1, party.name, party.role);
        p.para(Font::Regular, 10.0, &text, 10.0);
    }
    p.gap(8.0);
    let counsel = if b.from.lawyer.is_empty() {
        String::new()
    } else {
        format!(", ayant pour conseil {}", b.from.lawyer)
    };
    p.para(
        Font::Regular,
        10.0,
        &format!(
            "Pièces communiquées par : {} ({}){counsel}",
            b.from.name, b.from.role
        ),
        0.0,
    );
    if !b.recipients.is_empty() {
        p.para(
            Font::Regular,
            10.0,
            &format!("À : {}", b.recipients.join(" ; ")),
            0.0,
        );
    }
    p.para(
        Font::Regular,
        10.0,
        &format!("Date de la communication : {date} à {time} (heure de Paris)"),
        0.0,
    );
    let n = b.items.len();
    let count = if n == 1 {
        "1 pièce".to_owned()
    } else {
        format!("{n} pièces")
    };
    p.para(
        Font::Regular,
        10.0,
        &format!("Nombre de pièces : {count}"),
        0.0,
    );
    p.gap(12.0);
    p.need(LEAD * 4.0);
    p.table_header();
    for item in &b.items {
        p.row(item);
    }
    p.gap(18.0);
    p.para(
        Font::Bold,
        9.5,
        "Empreintes SHA-256 complètes des fichiers communiqués :",
        0.0,
    );
    for item in &b.items {
        p.need(11.0);
        p.y -= 11.0;
        p.page
            .text(LEFT + 4.0, p.y, Font::Regular, 8.0, &item.number);
        p.page.text(LEFT + 70.0, p.y, Font::Mono, 7.5, &item.sha256);
    }
    p.gap(18.0);
    p.para(Font::Regular, 10.0, &format!("Fait le {date}."), 0.0);
    let signer = if b.from.lawyer.is_empty() {
        format!("Pour {}", b.from.name)
    } else {
        format!("Pour {}, {}", b.from.name, b.from.lawyer)
    };
    p.para(Font::Regular, 10.0, &signer, 0.0);
    p.break_page();
    let total = p.done.len();
    let mut pages = p.done;
    for (i, page) in pages.iter_mut().enumerate() {
        page.line(LEFT, 48.0, RIGHT, 48.0, 0.5);
        page.text(
            LEFT,
            36.0,
            Font::Regular,
            7.5,
            &format!(
                "Bordereau établi par Huis Clos — communication {}",
                b.reference
            ),
        );
        page.text_right(
            RIGHT,
            36.0,
            Font::Regular,
            8.0,
            &format!("Page {} / {total}", i + 1),
        );
    }
    crate::pdf::document(pages, "Bordereau de communication de pièces", b.at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Bordereau {
        let party = |name: &str, role: &str, lawyer: &str| PartyLine {
            name: name.into(),
            role: role.into(),
            lawyer: lawyer.into(),
        };
        Bordereau {
            court: "Tribunal judiciaire de Paris — 3e chambre".into(),
            case_number: "23/01234".into(),
            parties: vec![
                party("Société Alpha", "Demandeur", "Me Jeanne Martin"),
                party("Société Bêta", "Défendeur", ""),
            ],
            from: party("Société Alpha", "Demandeur", "Me Jeanne Martin"),
            recipients: vec!["Société Bêta (Défendeur)".into(), "le Tribunal".into()],
            at: 1_772_546_700,
            reference: "0123456789abcdef0123456789abcdef".into(),
            items: (1..=n)
                .map(|i| ItemLine {
                    number: format!("D-{i}"),
                    title: format!("Pièce numéro {i} : contrat, avenant et correspondance échangée entre les parties"),
                    date: Some("2024-03-05".into()),
                    sha256: "ab".repeat(32),
                })
                .collect(),
        }
    }

    #[test]
    fn the_bordereau_is_a_deterministic_pdf_and_long_lists_span_pages() {
        let short = render(&sample(3)).unwrap();
        assert_eq!(short, render(&sample(3)).unwrap());
        let doc = lopdf::Document::load_mem(&short).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        let long = render(&sample(60)).unwrap();
        let doc = lopdf::Document::load_mem(&long).unwrap();
        assert!(doc.get_pages().len() >= 3, "{}", doc.get_pages().len());
    }

    #[test]
    fn dates_are_french() {
        // 2026-03-03 14:05 UTC is 15:05 in Paris (winter time).
        assert_eq!(
            french_date(1_772_546_700),
            ("3 mars 2026".into(), "15:05".into())
        );
        assert_eq!(french_date(1_767_225_600 + 3600).0, "1er janvier 2026");
        assert_eq!(short_date("2024-03-05"), "05/03/2024");
        assert_eq!(short_date("mars"), "mars");
    }
}

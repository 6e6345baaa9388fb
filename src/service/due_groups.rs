//! The dashboard's view of the due list: repeated findings grouped into one row ("8 accounts
//! without MFA on Email"), rows ordered overdue first, then by date, then by how much the kind
//! matters, and one wording for when ("Overdue since 3 Nov", "Due in 3 days", "Not due: to
//! improve"). Built on top of [`super::DueItem`]s, which `keyholder due` prints unchanged.

use super::{DueItem, DueTarget};
use crate::domain::system::SystemId;
use jiff::civil::Date;

/// How pressing a row is, in the order rows are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Overdue,
    Due,
    /// A finding without a real deadline (missing MFA): worth doing, never late.
    ToImprove,
}

/// One row of the dashboard: one due item, or several of the same kind on the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueGroup {
    pub kind: &'static str,
    pub urgency: Urgency,
    /// The earliest date among the items (meaningless for [`Urgency::ToImprove`]).
    pub due: Date,
    /// Indices into the flat due list, most urgent first.
    pub items: Vec<usize>,
    /// Set when the items are accounts on one system: its page lists them.
    pub system: Option<SystemId>,
    /// What the row says, dates in words.
    pub title: String,
}

/// How much a kind matters when two rows fall on the same day: access still open after someone
/// left first, missing MFA last.
fn importance(kind: &str) -> u8 {
    match kind {
        "key_file" => 0,
        "incident" => 0,
        "leaver" => 1,
        "incident_containment" => 1,
        "review_revocations" => 2,
        "scheduled_leaver" => 3,
        "secret" => 4,
        "expiring_grant" => 5,
        "joiner" => 6,
        "review" => 7,
        "purge" => 8,
        "directory_drift" => 9,
        _ => 10,
    }
}

/// What makes two items one row: missing MFA on the same system, anything else on the same
/// subject (a secret with two reasons to rotate).
#[derive(PartialEq)]
enum Key<'a> {
    System(SystemId),
    Subject(&'a str),
}

fn key(item: &DueItem) -> Key<'_> {
    match item.target {
        Some(DueTarget::Account { system, .. }) if item.kind == "missing_mfa" => Key::System(system),
        _ => Key::Subject(&item.subject),
    }
}

fn urgency(item: &DueItem) -> Urgency {
    match (item.overdue, item.kind) {
        (true, _) => Urgency::Overdue,
        // The last 24 of an incident's 72 hours are shown in red already.
        (false, _) if matches!(item.target, Some(DueTarget::Incident { urgent: true, .. })) => Urgency::Overdue,
        (false, "missing_mfa") => Urgency::ToImprove,
        (false, _) => Urgency::Due,
    }
}

/// Group and order the due list. `system_name` names a system by id.
pub fn group_due(items: &[DueItem], today: Date, system_name: impl Fn(SystemId) -> Option<String>) -> Vec<DueGroup> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (urgency(&items[i]), items[i].due, importance(items[i].kind)));
    let mut groups: Vec<(DueGroup, Key<'_>)> = Vec::new();
    for index in order {
        let item = &items[index];
        let item_key = key(item);
        match groups.iter_mut().find(|(g, k)| g.kind == item.kind && *k == item_key) {
            Some((group, _)) => group.items.push(index),
            None => {
                let system = match item_key {
                    Key::System(id) => Some(id),
                    Key::Subject(_) => None,
                };
                let group = DueGroup {
                    kind: item.kind,
                    urgency: urgency(item),
                    due: item.due,
                    items: vec![index],
                    system,
                    title: String::new(),
                };
                groups.push((group, item_key));
            }
        }
    }
    let mut groups: Vec<DueGroup> = groups.into_iter().map(|(g, _)| g).collect();
    for group in &mut groups {
        group.title = title(group, items, today, &system_name);
    }
    // Findings without a deadline: the biggest first, whatever their (fake) dates.
    groups.sort_by_key(|g| {
        let date = (g.urgency != Urgency::ToImprove).then_some(g.due);
        (g.urgency, date, importance(g.kind), std::cmp::Reverse(g.items.len()))
    });
    groups
}

fn title(group: &DueGroup, items: &[DueItem], today: Date, system_name: &dyn Fn(SystemId) -> Option<String>) -> String {
    let first = &items[group.items[0]];
    let count = group.items.len();
    if let (Some(system), true) = (group.system, count > 1) {
        let name = system_name(system).unwrap_or_else(|| "a system".to_owned());
        return format!("{} without MFA on {name}", counted(count, "account", "accounts"));
    }
    // Every reason, in words, once each: "Office Wi-Fi: rotation interval ends 30 Oct; Jack
    // Novak could know it and leaves on 2 Dec".
    let mut reasons: Vec<String> = Vec::new();
    for index in &group.items {
        let reason = readable(&items[*index].reason, today);
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    format!("{}: {}", first.subject, reasons.join("; "))
}

/// "1 account", "53 accounts".
pub fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(count as u64), if count == 1 { one } else { many })
}

/// 200000 as "200,000": a count the eye can take in while it moves.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// When a row is due, in words: "Overdue since 3 Nov", "Due today", "Due in 3 days",
/// "Worth doing, no deadline".
pub fn when(group: &DueGroup, today: Date) -> String {
    let days = today.until(group.due).map_or(0, |span| span.get_days());
    match group.urgency {
        // Not a deadline: when the differences were found.
        _ if group.kind == "directory_drift" => format!("Found {}", date_in_words(group.due, today)),
        // The hours are in the title; here, the day the 72 hours end.
        _ if group.kind == "incident" => match days {
            ..0 => format!("Overdue since {}", date_in_words(group.due, today)),
            0 => "72 hours end today".to_owned(),
            1 => "72 hours end tomorrow".to_owned(),
            _ => format!("72 hours end {}", date_in_words(group.due, today)),
        },
        Urgency::ToImprove => "Worth doing, no deadline".to_owned(),
        Urgency::Overdue if days < 0 => format!("Overdue since {}", date_in_words(group.due, today)),
        Urgency::Overdue => "Overdue".to_owned(),
        Urgency::Due if days < 0 => format!("Due since {}", date_in_words(group.due, today)),
        Urgency::Due => match days {
            0 => "Due today".to_owned(),
            1 => "Due tomorrow".to_owned(),
            2..=13 => format!("Due in {days} days"),
            _ => format!("Due on {}", date_in_words(group.due, today)),
        },
    }
}

/// "3 Nov" in the current year, "3 Nov 2025" in another.
pub fn date_in_words(date: Date, today: Date) -> String {
    if date.year() == today.year() {
        date.strftime("%-d %b").to_string()
    } else {
        date.strftime("%-d %b %Y").to_string()
    }
}

/// A reason from the flat list as a person reads it: its ISO dates in words and its "item(s)"
/// in the right number ("1 open item", "3 open items").
pub fn readable(reason: &str, today: Date) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut last_number: Option<u64> = None;
    for word in reason.split(' ') {
        let bare = word.trim_end_matches([',', '.', ':', ';']);
        let tail = &word[bare.len()..];
        if let Some(date) = iso_date(bare) {
            words.push(format!("{}{tail}", date_in_words(date, today)));
            continue;
        }
        if let Some(stem) = bare.strip_suffix("(s)") {
            let plural = if last_number == Some(1) { "" } else { "s" };
            words.push(format!("{stem}{plural}{tail}"));
        } else {
            words.push(word.to_owned());
        }
        if let Ok(number) = bare.trim_start_matches('(').parse::<u64>() {
            last_number = Some(number);
        }
    }
    words.join(" ")
}

fn iso_date(word: &str) -> Option<Date> {
    (word.len() == 10 && word.as_bytes().get(4) == Some(&b'-')).then(|| word.parse().ok()).flatten()
}

#[cfg(test)]
#[path = "due_groups_tests.rs"]
mod tests;

#[cfg(test)]
mod thousands_tests {
    use super::{counted, thousands};

    #[test]
    fn counts_are_grouped_in_thousands() {
        let shown: Vec<String> = [0, 999, 1000, 81_800, 200_000, 1_234_567].into_iter().map(thousands).collect();
        assert_eq!(shown, ["0", "999", "1,000", "81,800", "200,000", "1,234,567"]);
        assert_eq!(counted(20_000, "row", "rows"), "20,000 rows");
    }
}

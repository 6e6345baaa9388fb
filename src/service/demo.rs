//! A realistic synthetic office for trying Keyholder and for benchmarks: teams with managers,
//! systems (some holding customer data, some with privileged levels), roles per team,
//! exceptions with reasons (some temporary), and accounts with and without MFA. Deterministic:
//! the same size gives the same office.

use super::{Office, ServiceResult};
use crate::domain::audit::AuditEvent;
use crate::domain::staff::{NewStaff, StaffStatus};
use crate::domain::system::{NewSystem, SystemKind};
use crate::vault::directory::{self, NewAccount, NewGrant};
use jiff::ToSpan;

const FIRST: &[&str] = &[
    "Sam", "Alex", "Priya", "Jordan", "Maria", "Tom", "Aisha", "Ben", "Chloe", "Dev", "Elena", "Finn", "Grace", "Hugo",
    "Isla", "Jack", "Kemi", "Liam", "Mei", "Noah", "Olivia", "Pavel", "Quinn", "Rosa", "Sofia", "Theo", "Uma",
    "Victor", "Wen", "Yusuf", "Zara", "Omar",
];
const LAST: &[&str] = &[
    "Carter", "Nguyen", "Patel", "Smith", "Garcia", "Okafor", "Kowalski", "Jones", "Brown", "Silva", "Murphy", "Khan",
    "Rossi", "Schmidt", "Dubois", "Tanaka", "Lee", "Walsh", "Novak", "Evans", "Haddad", "Moreau", "Larsen", "Costa",
];
const TEAMS: &[&str] = &[
    "Sales",
    "Finance",
    "Operations",
    "Customer Service",
    "IT",
    "People",
    "Marketing",
    "Legal",
    "Reception",
    "Management",
];

/// (name, kind, customer data, MFA, levels with privileged flags)
const CORE_SYSTEMS: &[(&str, SystemKind, bool, bool)] = &[
    ("Email", SystemKind::Software, false, true),
    ("CRM", SystemKind::Software, true, true),
    ("Accounting", SystemKind::Software, true, true),
    ("Payroll", SystemKind::Software, true, true),
    ("HR system", SystemKind::Software, true, true),
    ("File server", SystemKind::Software, true, false),
    ("Helpdesk", SystemKind::Software, true, true),
    ("Website CMS", SystemKind::Software, false, true),
    ("Shared mailbox", SystemKind::SharedAccount, true, true),
    ("Supplier portal", SystemKind::SharedAccount, false, false),
    ("Wi-Fi", SystemKind::SharedAccount, false, false),
    ("Building keys", SystemKind::Physical, false, false),
    ("Alarm code", SystemKind::Physical, false, false),
    ("Safe", SystemKind::Physical, true, false),
];

/// A small deterministic generator (xorshift); the demo needs variety, not secrecy.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

impl Office {
    /// Fill an empty office with `staff_count` people and proportionate systems and roles.
    pub fn populate_demo(&mut self, staff_count: usize) -> ServiceResult<()> {
        self.populate_demo_people(staff_count)?;
        self.populate_demo_work()
    }

    /// What an office has in flight on a normal day: shared secrets (one overdue, one due
    /// soon), a joiner starting next week and a leaver whose last day is in three days.
    fn populate_demo_work(&mut self) -> ServiceResult<()> {
        let today = self.today();
        let days_ago = |n: i64| today.checked_sub(n.days()).unwrap_or(today).to_string();
        let directory = self.directory()?;
        let emails: Vec<String> = directory.staff.iter().take(6).map(|p| p.email.clone()).collect();
        let holders = |range: std::ops::Range<usize>| emails.get(range).map(<[String]>::to_vec).unwrap_or_default();
        let secrets = [
            ("Office Wi-Fi", "Wi-Fi", "office", 90, 120, holders(0..3)),
            ("Alarm code", "Alarm code", "", 180, 30, holders(1..4)),
            ("Supplier portal admin", "Supplier portal", "admin", 90, 80, holders(2..5)),
        ];
        for (name, system, username, interval, age, holders) in secrets {
            let value = super::generate_password(20, crate::domain::generator::CharSets::default())?;
            self.add_secret(
                name,
                Some(system),
                None,
                username,
                &value,
                Some(interval),
                Some(&days_ago(age)),
                &holders,
            )?;
        }
        let Some(leaver) = emails.get(1).cloned() else { return Ok(()) };
        let start = today.checked_add(7.days()).unwrap_or(today).to_string();
        let draft = crate::domain::staff::StaffDraft {
            full_name: "Nadia Rahman".into(),
            email: "nadia.rahman@example.org".into(),
            job_title: "Account manager".into(),
            team: "Sales".into(),
            manager_email: emails.first().cloned().unwrap_or_default(),
            start_date: start,
            ..Default::default()
        };
        self.start_joiner(super::NewJoiner { draft, roles: &["Everyone".into(), "Sales".into()] })?;
        self.start_leaver(&leaver, &today.checked_add(3.days()).unwrap_or(today).to_string())?;
        if let Some(holder) = emails.get(3) {
            self.populate_demo_incident(holder)?;
        }
        Ok(())
    }

    /// A laptop lost yesterday morning: recorded, its holder's containment started, the risk
    /// assessed, the report to the ICO still to make (the dashboard counts down).
    fn populate_demo_incident(&mut self, holder: &str) -> ServiceResult<()> {
        self.add_device("Laptop", "DEMO-4471", "ThinkPad T14", Some(holder))?;
        let aware = (self.now() - jiff::SignedDuration::from_hours(30)).to_string();
        let details = crate::domain::incident::Details {
            what_happened: "A laptop was left on a train; it has not been handed in.".into(),
            cause: "Left behind while travelling to a client".into(),
            how_found: "Its holder phoned the office from the station".into(),
            people_categories: "Customers".into(),
            people_count: Some(240),
            data_categories: "Contact details; order history".into(),
            records_count: Some(240),
            consequences: "Unwanted contact or phishing that quotes real orders".into(),
            measures: "Remote wipe requested; the holder's passwords changed".into(),
        };
        let new = super::NewIncident {
            title: "Laptop left on a train",
            kind: "confidentiality",
            aware: &aware,
            happened: None,
            details,
        };
        let id = self.add_incident(&new)?;
        self.link_incident(id, &super::LinkTarget::Device("DEMO-4471".into()))?;
        self.assess_incident(id, "risk", "customer contact details on a disk that may not be encrypted")
    }

    fn populate_demo_people(&mut self, staff_count: usize) -> ServiceResult<()> {
        let today = self.today();
        let by = self.operator().to_string();
        let system_count = (staff_count / 50).clamp(CORE_SYSTEMS.len(), 200);
        let event = AuditEvent::new(
            "demo.populate",
            format!("demo office created: {staff_count} staff, {system_count} systems"),
        );
        self.record(event, |tx| {
            let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
            // Systems and their levels: (system id, [level ids], mfa).
            let mut systems = Vec::new();
            for i in 0..system_count {
                let (name, kind, customer_data, mfa) =
                    CORE_SYSTEMS.get(i).map(|(n, k, c, m)| ((*n).to_owned(), *k, *c, *m)).unwrap_or_else(|| {
                        (
                            format!("Line-of-business app {:03}", i + 1),
                            SystemKind::Software,
                            dice.chance(30),
                            dice.chance(70),
                        )
                    });
                let levels = match kind {
                    SystemKind::Physical => vec![("holder".to_owned(), false)],
                    _ => vec![("user".to_owned(), false), ("admin".to_owned(), true)],
                };
                let location = match kind {
                    SystemKind::Physical => "Front office".to_owned(),
                    _ => format!("https://{}.example.org", name.to_lowercase().replace(' ', "-")),
                };
                let system =
                    NewSystem { name, kind, owner_email: None, location, customer_data, mfa_supported: mfa, levels };
                let id = directory::insert_system(tx, &system, None)?;
                let level_ids = directory::level_ids(tx, id)?;
                systems.push((id, level_ids, mfa));
            }
            // Roles: everyone gets the basics; each team gets seven systems at user level.
            let user_level = |s: &(i64, Vec<i64>, bool)| s.1[0];
            let everyone: Vec<i64> = [0, 5, 10].iter().map(|&i| user_level(&systems[i])).collect();
            let everyone_role = directory::insert_role(tx, "Everyone", "Basics for every member of staff", &everyone)?;
            let mut team_roles = Vec::new();
            for (t, team) in TEAMS.iter().enumerate() {
                let mut levels: Vec<i64> =
                    (0..7).map(|k| user_level(&systems[(t * 7 + k * 3 + 1) % systems.len()])).collect();
                levels.sort_unstable();
                levels.dedup();
                team_roles.push(directory::insert_role(tx, team, &format!("Access for the {team} team"), &levels)?);
            }
            let admins: Vec<i64> = systems.iter().filter_map(|s| s.1.get(1).copied()).take(10).collect();
            let admin_role =
                directory::insert_role(tx, "IT administrator", "Privileged access to core systems", &admins)?;

            // Staff: the first person of each team leads it.
            let mut leads: Vec<Option<i64>> = vec![None; TEAMS.len()];
            for n in 0..staff_count {
                let team_index = n % TEAMS.len();
                let first = FIRST[dice.below(FIRST.len())];
                let last = LAST[dice.below(LAST.len())];
                let status = match dice.below(100) {
                    0..=2 => StaffStatus::Joining,
                    3..=4 => StaffStatus::Leaving,
                    _ => StaffStatus::Active,
                };
                let start = today.checked_sub((dice.below(3000) as i64).days()).unwrap_or(today);
                let staff = NewStaff {
                    full_name: format!("{first} {last}"),
                    email: format!("{}.{}{}@example.org", first.to_lowercase(), last.to_lowercase(), n + 1),
                    job_title: if leads[team_index].is_none() {
                        format!("Head of {}", TEAMS[team_index])
                    } else {
                        format!("{} associate", TEAMS[team_index])
                    },
                    team: TEAMS[team_index].to_owned(),
                    manager_email: None,
                    start_date: Some(start),
                    end_date: (status == StaffStatus::Leaving).then(|| today.checked_add(14.days()).unwrap_or(today)),
                    status,
                    notes: String::new(),
                };
                let id = directory::insert_staff(tx, &staff, leads[team_index])?;
                if leads[team_index].is_none() {
                    leads[team_index] = Some(id);
                }
                directory::assign_role(tx, id, everyone_role, start, &by)?;
                directory::assign_role(tx, id, team_roles[team_index], start, &by)?;
                if TEAMS[team_index] == "IT" && dice.chance(20) {
                    directory::assign_role(tx, id, admin_role, start, &by)?;
                }
                if dice.chance(3) {
                    let system = &systems[dice.below(systems.len())];
                    let level = *system.1.last().unwrap_or(&system.1[0]);
                    let temporary = dice.chance(50);
                    let grant = NewGrant {
                        staff: id,
                        level,
                        reason: if temporary {
                            "covering a colleague's leave"
                        } else {
                            "project work agreed with the system owner"
                        },
                        approved_by: &by,
                        granted_on: today,
                        expires_on: temporary
                            .then(|| today.checked_add(((dice.below(30) + 1) as i64).days()).unwrap_or(today)),
                    };
                    directory::insert_grant(tx, &grant)?;
                }
                for &index in &[0_usize, 5] {
                    let (system, _, mfa) = &systems[index];
                    let enrolled = *mfa && dice.chance(85);
                    let username = format!("{}.{}{}", first.to_lowercase(), last.to_lowercase(), n + 1);
                    directory::insert_account(
                        tx,
                        &NewAccount {
                            staff: id,
                            system: *system,
                            username: &username,
                            created_on: Some(start),
                            mfa_enrolled_on: enrolled.then_some(start),
                        },
                    )?;
                }
            }
            Ok(())
        })
    }
}

//! Sub-commands of the office record: staff, systems, roles and operators.

use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a staff member.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        team: Option<String>,
        /// The line manager's work email.
        #[arg(long, value_name = "EMAIL")]
        manager: Option<String>,
        #[arg(long, value_name = "DATE")]
        start: Option<String>,
    },
    /// List staff (name, email, team, status).
    List {
        #[arg(long)]
        json: bool,
    },
    /// One staff member with their access.
    Show {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Write all staff to a CSV file.
    Export { file: PathBuf },
    /// Replace a leaver's personal details with a tombstone (retention).
    Purge { email: String },
    /// Import staff from a CSV file (all valid rows in one transaction).
    Import {
        file: PathBuf,
        /// Only check the file.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows even if some are invalid.
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SystemCommand {
    /// Add a system.
    Add {
        #[arg(long)]
        name: String,
        /// software, shared_account or physical.
        #[arg(long, default_value = "software")]
        kind: String,
        /// Access levels, least access first.
        #[arg(long, default_value = "user")]
        levels: String,
        /// Which of the levels are privileged.
        #[arg(long, default_value = "")]
        privileged: String,
        #[arg(long)]
        customer_data: bool,
        #[arg(long)]
        mfa: bool,
    },
    /// List systems.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Add a role from SYSTEM:LEVEL grants.
    Add {
        name: String,
        #[arg(long = "grant", value_name = "SYSTEM:LEVEL")]
        grants: Vec<String>,
    },
    /// List roles.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Give a staff member a role.
    Assign { role: String, email: String },
    /// Take a role away from a staff member.
    Unassign { role: String, email: String },
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Add an operator (their password from KEYHOLDER_NEW_PASSWORD or the second stdin line).
    Add { name: String },
    /// List operators.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an operator.
    Remove { name: String },
    /// Two-step sign-in with an authenticator app for the signed-in operator.
    Totp {
        #[command(subcommand)]
        action: OperatorTotpCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorTotpCommand {
    /// Print the otpauth URI to add to the app; then run again with `--confirm CODE`, which
    /// turns it on and prints ten one-time recovery codes.
    Enable {
        #[arg(long, value_name = "CODE")]
        confirm: Option<String>,
        /// Also write the QR code to this PNG file.
        #[arg(long, value_name = "FILE.png")]
        qr: Option<PathBuf>,
    },
    /// Turn it off; needs a current code.
    Disable {
        #[arg(long, value_name = "CODE")]
        code: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Add a directory the office runs, an app's SCIM 2.0 API, or a cloud suite. The bind
    /// password (the app's bearer token, the app registration's client secret) comes from
    /// KEYHOLDER_DIRECTORY_PASSWORD or the first stdin line (never an argument); a Google
    /// service account's key from --key-file.
    Add {
        name: String,
        /// openldap, ad (Active Directory, Samba AD included), scim, microsoft365 or
        /// google-workspace (the last two checked from their admin console's user export when
        /// given neither --client-id nor --admin).
        #[arg(long)]
        kind: String,
        /// ldaps://host[:port], or ldap:// with --starttls (plain ldap:// only to this computer);
        /// for scim, the app's SCIM base URL (https://…/scim/v2); none for microsoft365 and
        /// google-workspace.
        #[arg(long, default_value = "")]
        url: String,
        /// Where to read (LDAP); for microsoft365, the tenant (directory) ID (`--tenant`); for
        /// google-workspace, the customer ID (`--customer`, the administrator's own if not given).
        #[arg(long = "base-dn", visible_aliases = ["tenant", "customer"], value_name = "DN", default_value = "")]
        base_dn: String,
        /// Who to bind as (LDAP); for microsoft365, the app registration's application
        /// (client) ID (`--client-id`), whose secret is then read like a password; for
        /// google-workspace, the administrator the service account acts as (`--admin`).
        #[arg(long = "bind-dn", visible_aliases = ["client-id", "admin"], value_name = "DN", default_value = "")]
        bind_dn: String,
        #[arg(long)]
        starttls: bool,
        /// The office's own CA certificate (PEM), for a server it signed.
        #[arg(long = "ca-file", value_name = "PEM")]
        ca_file: Option<PathBuf>,
        /// google-workspace: the service account's JSON key file, kept encrypted in the vault
        /// (delete the downloaded copy afterwards).
        #[arg(long = "key-file", value_name = "JSON")]
        key_file: Option<PathBuf>,
    },
    /// Take every licence off a person's Microsoft 365 account (a leaver's, once blocked):
    /// removed, read back, audited.
    RemoveLicences { name: String, email: String },
    /// The directories on record (never their passwords).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Connect, bind and count the user accounts.
    Test { name: String },
    /// Map the directory onto systems: --accounts SYSTEM, or --group DN SYSTEM LEVEL.
    Map {
        name: String,
        #[arg(long, value_name = "SYSTEM", conflicts_with = "group", required_unless_present = "group")]
        accounts: Option<String>,
        #[arg(long, num_args = 3, value_names = ["DN", "SYSTEM", "LEVEL"])]
        group: Option<Vec<String>>,
    },
    /// Match an account whose email does not name its owner to a staff member.
    Match { name: String, username: String, email: String },
    /// Read the directory and report drift from the record; exits 3 when there is any.
    Sync {
        name: String,
        #[arg(long)]
        json: bool,
        /// Compare with a user list downloaded from the admin console instead (Microsoft 365
        /// "Export users", Google Admin "Download users"), read exactly as it comes.
        #[arg(long = "from-file", value_name = "FILE.csv")]
        from_file: Option<PathBuf>,
    },
}

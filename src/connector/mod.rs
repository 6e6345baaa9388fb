//! Talking to systems outside the vault: directories over LDAP. Each connector depends only on
//! `domain` (what it reads and the settings it is given); the service layer decides when to
//! call it, records what it found and audits it. Nothing here writes to the vault or draws.

pub mod ldap;

//! `verify` on a server: the whole record checked there, not only what this desk took in.

use super::super::rows;
use super::super::seal::toggle;
use super::ServerStore;
use crate::vault::error::VaultResult;

impl ServerStore {
    /// Check the whole record on the server, not only what this desk took in: every row opens
    /// with the office's key, the set of live rows is the one recorded, and it is the set
    /// this desk's copy holds.
    pub(in crate::vault) fn check_server(&self) -> VaultResult<Vec<String>> {
        let (header, fetched) = self.fetch_since(0)?;
        let mut problems = Vec::new();
        let mut digest = [0u8; 32];
        let mut live = 0usize;
        for (table, rid, version, body) in fetched {
            let Some(body) = body else { continue };
            let opens = self.keys.open(&table, &rid, version, &body).as_deref().and_then(|p| rows::decode_row(p));
            match opens {
                Some(row) if self.keys.row_id(&rows::encode_key(&table, &row.key))? == rid => {
                    toggle(&mut digest, &self.keys.element(&table, &rid, version)?);
                    live += 1;
                }
                _ => problems.push(format!(
                    "row {rid} of {table} on the server does not open with the office's key: it was altered on the server"
                )),
            }
        }
        if problems.is_empty() && digest != header.digest {
            problems.push(
                "rows of the office record were deleted on the server, or older copies put back, outside Keyholder"
                    .to_owned(),
            );
        }
        if header.seq == self.seq && live != self.known.len() && problems.is_empty() {
            problems.push(format!(
                "the server holds {live} rows of the record where this desk's copy has {}",
                self.known.len()
            ));
        }
        Ok(problems)
    }
}

//! The device register: what the office lends out and to whom.

use super::invalid;
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::Device;
use crate::service::{Office, ServiceError, ServiceResult};
use crate::vault::checklists;

impl Office {
    pub fn devices(&self) -> ServiceResult<Vec<Device>> {
        Ok(checklists::devices(&self.vault().read())?)
    }

    pub fn add_device(&mut self, kind: &str, serial: &str, model: &str, assign: Option<&str>) -> ServiceResult<i64> {
        let (kind, serial) = (kind.trim(), serial.trim());
        if kind.is_empty() || serial.is_empty() {
            return Err(invalid("a device needs a type and a serial number or asset tag"));
        }
        if self.devices()?.iter().any(|d| d.serial.eq_ignore_ascii_case(serial)) {
            return Err(ServiceError::conflict(format!("there is already a device with serial {serial}")));
        }
        let assigned = assign.map(|email| self.person_id(email)).transpose()?;
        let today = self.today();
        let summary = match assigned {
            Some(staff) => format!("{kind} {serial} registered and issued to staff #{staff}"),
            None => format!("{kind} {serial} registered"),
        };
        self.record(AuditEvent::new("device.add", summary), |tx| {
            checklists::insert_device(tx, kind, model.trim(), serial, assigned, assigned.map(|_| today))
        })
    }
}

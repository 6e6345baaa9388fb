//! The office-wide template items added to every joiner or leaver checklist.

use super::invalid;
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::Process;
use crate::service::{Office, Record, ServiceError, ServiceResult};
use crate::vault::checklists;

impl Office {
    /// The office-wide template items added to every joiner or leaver checklist.
    pub fn templates(&self) -> ServiceResult<Vec<crate::domain::checklist::Template>> {
        Ok(checklists::templates(&self.vault().read())?)
    }

    pub fn add_template(&mut self, process: Process, title: &str, offset_days: i64) -> ServiceResult<i64> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(invalid("a template item needs a title of at most 200 characters"));
        }
        if !(-365..=365).contains(&offset_days) {
            return Err(invalid("the offset must be within a year of the key date"));
        }
        let event = AuditEvent::new("template.add", format!("{process} template item added: {title}"))
            .with_change(None, Some(format!("offset {offset_days} days")));
        self.record(event, |tx| checklists::insert_template(tx, process, title, offset_days))
    }

    pub fn remove_template(&mut self, id: i64) -> ServiceResult<()> {
        let template = self
            .templates()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| ServiceError::not_found(Record::TemplateItem, format!("#{id}")))?;
        let event = AuditEvent::new(
            "template.remove",
            format!("{} template item removed: {}", template.process, template.title),
        );
        self.record(event, |tx| checklists::delete_template(tx, id))
    }
}

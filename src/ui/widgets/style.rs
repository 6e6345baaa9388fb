//! The design vocabulary every screen uses, so that pages look like one application: spacing,
//! type sizes, colours that mean a state (done, needs attention, a problem), and icons from the
//! Material Symbols font rather than characters a font may lack.

use egui::{Color32, RichText, Ui};

/// Vertical and horizontal gaps, smallest first.
pub mod space {
    /// Between a control and its note.
    pub const TIGHT: f32 = 4.0;
    /// Between rows of a form.
    pub const ROW: f32 = 8.0;
    /// Between blocks of one section.
    pub const BLOCK: f32 = 12.0;
    /// Between sections of a page.
    pub const SECTION: f32 = 16.0;
    /// Around a page's single main block (sign-in, welcome).
    pub const PAGE: f32 = 32.0;
}

/// Type sizes beyond egui's body, heading and small text.
pub mod size {
    /// A code read aloud or typed elsewhere (authenticator codes, recovery codes).
    pub const CODE: f32 = 18.0;
    /// A key to write down on paper.
    pub const KEY: f32 = 22.0;
    /// A figure on the dashboard.
    pub const FIGURE: f32 = 24.0;
    /// The application's name on the entry screens.
    pub const TITLE: f32 = 28.0;
}

/// What a coloured text means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Done, valid, safe.
    Good,
    /// Needs attention soon (due, privileged, customer data).
    Attention,
    /// Wrong or overdue.
    Problem,
}

impl State {
    pub fn color(self, ui: &Ui) -> Color32 {
        let visuals = ui.visuals();
        match self {
            Self::Good if visuals.dark_mode => Color32::from_rgb(0x6c, 0xc6, 0x7e),
            Self::Good => Color32::from_rgb(0x1e, 0x7a, 0x34),
            Self::Attention => visuals.warn_fg_color,
            Self::Problem => visuals.error_fg_color,
        }
    }

    fn icon(self) -> egui_material_icons::MaterialIcon {
        match self {
            Self::Good => icon::DONE,
            Self::Attention => icon::ATTENTION,
            Self::Problem => icon::PROBLEM,
        }
    }
}

/// Text in the colour of `state`, after the state's icon (so colour is never the only sign).
pub fn state_label(ui: &mut Ui, state: State, text: impl Into<String>) -> egui::Response {
    let color = state.color(ui);
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = space::TIGHT;
        ui.label(state.icon().rich_text().color(color));
        ui.label(RichText::new(text.into()).color(color))
    })
    .inner
}

/// The icons the screens use, named for what they mean here.
pub mod icon {
    use egui_material_icons::MaterialIcon;
    use egui_material_icons::icons;

    pub const DONE: MaterialIcon = icons::ICON_CHECK_CIRCLE;
    pub const ATTENTION: MaterialIcon = icons::ICON_WARNING;
    pub const PROBLEM: MaterialIcon = icons::ICON_ERROR;
    pub const MOVE_UP: MaterialIcon = icons::ICON_ARROW_UPWARD;
    pub const COPY: MaterialIcon = icons::ICON_CONTENT_COPY;
    pub const PRINT: MaterialIcon = icons::ICON_PRINT;
    pub const FOLDER: MaterialIcon = icons::ICON_FOLDER;
}

/// Make the icon font available; called once, before the first screen that shows an icon.
pub fn install_fonts(ctx: &egui::Context) {
    egui_material_icons::initialize(ctx);
}

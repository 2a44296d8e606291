/** The panel's width in pixels: the settings' range and default, the one place they are stated (the content script, the settings schema and the settings page read them). */
export const PANEL_WIDTH = { min: 280, max: 720, default: 380 } as const;

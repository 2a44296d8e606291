/**
 * The name of the panel's port to the background. It lives apart from panel-bridge.ts because the
 * panel needs this one value, and importing it from there would pull Dexie, Zod and the repositories
 * into the panel bundle (the panel takes only types from panel-bridge.ts).
 */
export const PANEL_PORT = 'convops-panel-data';

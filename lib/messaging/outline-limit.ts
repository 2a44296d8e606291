/**
 * How many lines a site report's page outline may have: the content script stops there
 * (lib/hosts/site-report.ts) and the background's schema bounds what arrives by it (./schemas.ts).
 * A module of its own so the content script can import the number without the schemas (Zod).
 */
export const MAX_OUTLINE_LINES = 400;

import { z } from 'zod';

/**
 * Zod without its compiled fast path, as in the extension's own pages: their CSP refuses `new Function`
 * and Zod finds out by trying; code evaluated into the page over CDP passes that test, then fails.
 */
z.config({ jitless: true });

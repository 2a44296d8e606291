import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import { visualizer } from 'rollup-plugin-visualizer';
import { defineConfig } from 'wxt';
import { panelEarlyPaint } from './scripts/panel-early-paint';
import { pouchdbWithoutEval } from './scripts/pouchdb-without-eval';
import { wxtStartupCrashLog } from './scripts/wxt-startup-crash-log';
import { zodWithoutEvalProbe } from './scripts/zod-without-eval-probe';

// The manifest asks for the least it can: `storage` for the database and settings, and host access
// to the two chat sites only. Anything more needs a reason in the README.
export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  imports: false,
  vite: () => ({
    // No `Function` in the shipped Zod and PouchDB (DANGEROUS_EVAL in web-ext lint), the panel's entry
    // script `async` and its stylesheet not blocking the early paint, no unused logger in the content script: see each plugin.
    plugins: [tailwindcss(), zodWithoutEvalProbe(), pouchdbWithoutEval(), panelEarlyPaint(), wxtStartupCrashLog()],
    // The content script's lifetime is ours, not WXT's (smaller, and a page cannot stop it by forging
    // WXT's restart event): see lib/content/lifetime.ts.
    resolve: {
      alias: [{ find: /^wxt\/utils\/content-script-context$/, replacement: fileURLToPath(new URL('./lib/content/lifetime.ts', import.meta.url)) }],
    },
  }),
  hooks: {
    // `npm run bundle-report`: one treemap per build group (WXT builds background, content script and
    // the HTML pages separately), written beside the build, never into the packaged extension.
    'vite:build:extendConfig': (entrypoints, config) => {
      // The pages share one chunk with React and our UI kit, and one with the task code the panel and
      // the options pages both use, as before the options page fetched its pages on demand: left to
      // itself, the bundler cuts them into small chunks by which page uses what, and each page then
      // loads more bytes (the review window 1 KB more, over its 120 KB; the panel 1.9 KB more).
      if (entrypoints.some((entrypoint) => entrypoint.type === 'options')) {
        const output = config.build?.rollupOptions?.output;
        if (output && !Array.isArray(output)) {
          output.codeSplitting = {
            groups: [
              // The panel's entry paints the current step before React loads (components/panel/boot.ts).
              // The two modules it shares with the UI kit are a chunk of their own: inside 'ui' (where the
              // kit's hooks pull them), the entry waited for the 226 KB chunk to load and compile before
              // asking anything (about 30 ms in the bench's panel-ready phases).
              {
                name: 'boot',
                priority: 3,
                test: /node_modules[\\/]@wxt-dev[\\/]browser[\\/]|wxt[\\/]dist[\\/]browser\.mjs|components[\\/]color-scheme\.ts/,
              },
              {
                name: 'ui',
                priority: 2,
                test: /node_modules[\\/](react|react-dom|scheduler)[\\/]|components[\\/](ui|hooks)[\\/]|lib[\\/]workflow[\\/]labels\.ts|components[\\/]gate-card\.tsx/,
              },
              {
                name: 'task-inputs',
                priority: 1,
                test: /node_modules[\\/]@tanstack[\\/]|components[\\/](inputs[\\/]|virtual-list|errors)|lib[\\/]workflow[\\/](engine|briefing|inputs|results|completion-line)\.ts/,
              },
            ],
          };
        }
      }
      if (!process.env.BUNDLE_REPORT) return;
      const name = entrypoints.map((e) => e.name).join('+');
      config.plugins = [
        ...(config.plugins ?? []),
        visualizer({ filename: `.output/bundle-report/${name}.html`, template: 'treemap', gzipSize: true, title: `ConvOps bundle: ${name}` }),
      ];
    },
  },
  manifest: {
    name: 'ConvOps',
    description:
      'Run ChatGPT and Claude conversations as governed workflows: step briefings, human approval gates and an audit trail.',
    permissions: ['storage'],
    host_permissions: ['https://chatgpt.com/*', 'https://claude.ai/*'],
    // A team workspace's origin is asked for when the person connects to it (Options → Team), and
    // only that one origin: HTTPS anywhere, plain HTTP only on this machine.
    optional_host_permissions: ['https://*/*', 'http://localhost/*', 'http://127.0.0.1/*'],
    web_accessible_resources: [
      {
        resources: ['panel.html'],
        matches: ['https://chatgpt.com/*', 'https://claude.ai/*'],
        // The page must not be able to frame the panel itself (it would draw it under the cursor): the
        // frame's address uses a per-session id the page cannot guess (Chromium; Firefox's
        // moz-extension ids are random per install already).
        use_dynamic_url: true,
      },
    ],
    browser_specific_settings: {
      // AMO requires the data-collection declaration (Firefox 140+ reads it): ConvOps sends nothing anywhere.
      gecko: { id: 'convops@convops.dev', strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
      // Firefox for Android reads the declaration from 142 on.
      gecko_android: { strict_min_version: '142.0' },
    },
    // Our own icon (public/icon.svg, rendered by `npm run icons`). The popup itself comes from entrypoints/popup.
    icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    action: {
      default_title: 'ConvOps',
      default_icon: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
    },
    // Shown (and changeable) at chrome://extensions/shortcuts and in Firefox's add-on shortcut settings.
    commands: {
      'toggle-panel': { suggested_key: { default: 'Alt+Shift+K' }, description: 'Show or hide the ConvOps panel' },
      'send-step': { suggested_key: { default: 'Alt+Shift+S' }, description: "Insert and send the current step's briefing" },
    },
  },
});

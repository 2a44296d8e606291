import tailwindcss from '@tailwindcss/vite';
import { visualizer } from 'rollup-plugin-visualizer';
import { defineConfig } from 'wxt';

// The manifest asks for the least it can: `storage` for the database and settings, and host access
// to the two chat sites only. Anything more needs a reason in the README.
export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  imports: false,
  vite: () => ({
    plugins: [tailwindcss()],
  }),
  hooks: {
    // `npm run bundle-report`: one treemap per build group (WXT builds background, content script and
    // the HTML pages separately), written beside the build, never into the packaged extension.
    'vite:build:extendConfig': (entrypoints, config) => {
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
      gecko: { id: 'convops@convops.dev', strict_min_version: '128.0' },
    },
  },
});

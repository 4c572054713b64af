import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

const dir = (relative: string): string => decodeURIComponent(new URL(relative, import.meta.url).pathname);

// The SPA is served by the platform server from dist/web. For development,
// `npx vite --config web/vite.config.ts` proxies /api to a running server
// (SEVA_API_ORIGIN, default http://localhost:3000).
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, dir('.'), '');
  return {
    root: dir('.'),
    plugins: [react()],
    build: {
      outDir: dir('../dist/web'),
      emptyOutDir: true,
      // The server's CSP forbids inline scripts; keep every asset a separate file.
      assetsInlineLimit: 0,
      rollupOptions: {
        output: {
          // Libraries change less often than the app: separate files stay cached across releases.
          manualChunks(id: string) {
            if (!id.includes('node_modules')) return undefined;
            if (/node_modules\/(@mantine|@floating-ui|react-remove-scroll|react-textarea-autosize|react-number-format|clsx)/.test(id)) return 'mantine';
            if (/node_modules\/(i18next|react-i18next)/.test(id)) return 'i18n';
            return 'vendor';
          },
        },
      },
    },
    server: {
      proxy: {
        '/api': { target: env.SEVA_API_ORIGIN ?? 'http://localhost:3000' },
      },
    },
  };
});

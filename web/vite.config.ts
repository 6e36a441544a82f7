// Builds the web UI into dist/web, which `paddock server` serves at / (no CDN, nothing fetched
// at run time). `npm run build` runs it, and `npm install` runs that.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Charts and the table are the bulk; one chunk per page keeps the first load small.
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npx vite --config web/vite.config.ts` against a `paddock server` on 5000 during UI work.
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
});

// The studio is a static single-page app (`nuxt generate`, no server rendering) served by `rulecord start` at `/`,
// talking to the API under `/api`. It must build offline: no telemetry, no devtools, no remote fonts.
export default defineNuxtConfig({
  compatibilityDate: '2026-11-01',
  ssr: false,
  telemetry: false,
  devtools: { enabled: false },
  app: {
    head: {
      title: 'Rulecord studio',
      htmlAttrs: { lang: 'en' },
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }],
      link: [{ rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
    },
  },
  // vue-flow (the flow-graph editor): its CSS comes from the package's dist folder, and it must be transpiled.
  css: ['@vue-flow/core/dist/style.css', '@vue-flow/core/dist/theme-default.css'],
  build: { transpile: ['@vue-flow/core'] },
  // `nuxt dev` proxies the API to a `rulecord api` on port 3000, so the studio can be developed with hot reload.
  nitro: {
    devProxy: {
      '/api': { target: 'http://localhost:3000/api', ws: true, changeOrigin: true },
      '/healthz': { target: 'http://localhost:3000/healthz' },
      '/readyz': { target: 'http://localhost:3000/readyz' },
    },
  },
  typescript: { strict: true },
});

/// <reference lib="webworker" />
/**
 * The one service worker: precaches the whole build (app, worker chunks, wasm binaries, digits,
 * default model, classifier) so that after one visit the app reloads and runs offline, and adds
 * COOP/COEP to every same-origin response it serves, so a static host that sends no such headers
 * still gets a cross-origin isolated page (threaded wasm). A new version waits until the page
 * asks it to take over (the "new version" banner), so one page never mixes two builds' chunks.
 */
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

/** What `vite preview` sends (vite.config.ts); a static host sends nothing. */
const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function isolated(response: Response): Response {
  // Opaque and error responses cannot (and need not) be rewritten.
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0)
    return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

const isolation: WorkboxPlugin = {
  handlerWillRespond: ({ response }) => Promise.resolve(isolated(response)),
};

addPlugins([isolation]);
// Any query (?backend=wasm, a shared link's settings) opens the same precached page.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
cleanupOutdatedCaches();
// Whatever is not precached (nothing, in a complete build) still comes isolated from the network.
registerRoute(
  ({ url }) => url.origin === self.location.origin,
  new NetworkOnly({ plugins: [isolation] }),
);

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
// The first install controls the open page at once (a static host's page then reloads isolated);
// later versions wait for SKIP_WAITING.
clientsClaim();

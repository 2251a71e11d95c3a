import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the viewer's static files: index.html and assets/. */
export const viewerAssetsDir = fileURLToPath(new URL('./dist/', import.meta.url));

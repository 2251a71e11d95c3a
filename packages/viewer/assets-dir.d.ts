/** Where `npm run build` puts the viewer's static files: index.html and assets/. */
export declare const viewerAssetsDir: string;

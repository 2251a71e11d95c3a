/** A `resync` event: the client missed events and must reload its state instead. */
export const resyncFrame = (reason: string) => `event: resync\ndata: ${JSON.stringify({ reason })}\n\n`;

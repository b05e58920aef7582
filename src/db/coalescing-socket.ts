import net from "node:net";

/**
 * A socket that sends what is written to it within one turn of the event
 * loop with one system call: a transaction's BEGIN, and the statements sent
 * with it, go out together. The driver sends each statement, BEGIN and
 * COMMIT on its own, and each send is a system call that wakes PostgreSQL's
 * backend for a few bytes.
 */
export function coalescingSocket(): net.Socket {
  const socket = new net.Socket();
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const coalesced = function (this: net.Socket, ...args: Parameters<typeof write>) {
    if (!corked) {
      corked = true;
      socket.cork();
      // After the microtasks now queued (what the same request sends next), before any I/O.
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as typeof write;
  // connect() puts the prototype's write back, so the wrapper goes on once connected.
  socket.once("connect", () => {
    socket.write = coalesced;
  });
  return socket;
}

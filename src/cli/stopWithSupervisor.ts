// A child started by a supervisor with an IPC channel (the devnet's workers and nodes) stops when
// the channel closes: it closes when the supervisor dies, even by SIGKILL, and a devnet's child
// without its devnet has no reason to go on (a node would keep its port and data folder). It is
// treated as a SIGTERM: a graceful stop once the command runs, and the default (exit) before that.
// Nobody is left to send a SIGKILL after a stop that hangs (a node whose etcd died with the devnet
// may wait on it), so the child exits by itself if it is still there after EXIT_AFTER_MS.
// The channel carries no messages and must not keep the process alive. A process started by hand
// has no channel, and this does nothing.

/** How long a graceful stop may take once the supervisor is gone; the devnet allows its children 5 s. */
export const EXIT_AFTER_SUPERVISOR_MS = 10_000;

export function stopWithSupervisor(exitAfterMs = EXIT_AFTER_SUPERVISOR_MS): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
    // Unreferenced: a stop that ends the process sooner is not held up by it.
    setTimeout(() => process.exit(1), exitAfterMs).unref();
  });
}

/**
 * Quit that waits: the first quit request (menu, SIGTERM, session end) stops the schedules and lets a running
 * sync finish — the tray says "Finishing current sync…" meanwhile — then quits for real. While idle the stop
 * resolves at once, so quitting is immediate.
 */
export interface QuitDeps {
  /** Stops every schedule and resolves when no run is left. */
  shutdown(): Promise<void>;
  isBusy(): boolean;
  /** Called once when a quit has to wait for a run. */
  onWaiting(): void;
  /** Quits the app for real (Electron's app.quit(), which asks `mayQuit` again). */
  quit(): void;
}

export class QuitCoordinator {
  private phase: 'running' | 'finishing' | 'done' = 'running';

  constructor(private readonly deps: QuitDeps) {}

  /** For `before-quit` and the like: true when the app may quit now; false means "not yet, I'll quit later". */
  mayQuit(): boolean {
    if (this.phase === 'done') return true;
    if (this.phase === 'running') {
      this.phase = 'finishing';
      if (this.deps.isBusy()) this.deps.onWaiting();
      void this.deps
        .shutdown()
        .catch(() => undefined)
        .then(() => {
          this.phase = 'done';
          this.deps.quit();
        });
    }
    return false;
  }

  get finishing(): boolean {
    return this.phase === 'finishing';
  }
}

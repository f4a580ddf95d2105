/**
 * App-wide web security: every web contents (the settings page is the only one) may not navigate away, open
 * windows or attach webviews, and the session grants no permission (camera, notifications from the page…).
 */
import type { Session, WebContents } from 'electron';

export function lockDownContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

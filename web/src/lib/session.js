// Who is signed in (GetMe) and the project (GetProject), fetched once per page load.
import { api } from "../api/client.js";

export const session = { me: null, project: null };

/** Resolve with GetMe's answer; rejects with the RpcError (UNAUTHENTICATED when logged out). */
export async function loadSession() {
  session.me = await api.GetMe({});
  try {
    session.project = (await api.GetProject({})).project;
  } catch {
    session.project = null; // a custom role may not grant PROJECT GET; nothing depends on it
  }
  return session;
}

/** The oldest update time worth paging back to: the project's creation (or a year ago). */
export function oldestUpdate() {
  const created = session.project && session.project.createdAt;
  return (created || Math.floor(Date.now() / 1000) - 365 * 86400) - 86400;
}

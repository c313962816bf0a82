// The `error` cookie: the login handlers put the reason of a failed login there (not HttpOnly)
// and redirect to "/"; the console shows it once and clears it, as PipeCD's does.

export function readCookie(name) {
  for (const part of document.cookie.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) {
      const v = part.slice(i + 1).trim().replace(/^"(.*)"$/, "$1");
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    }
  }
  return null;
}

export function deleteCookie(name) {
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${name}=; Max-Age=0; Path=/; SameSite=Strict${secure}`;
}

/** The pending login error, removed from the cookies (null when there is none). */
export function takeLoginError() {
  const v = readCookie("error");
  if (v !== null) deleteCookie("error");
  return v || null;
}

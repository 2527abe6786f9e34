/**
 * The first-admin page `ferry serve` links to, until the console (React) replaces it: it
 * reads the token from the link and posts it with the new admin's name and password.
 */
export const SETUP_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry — first admin</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;font:inherit}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}#msg{margin-top:1rem}</style>
</head><body>
<h1>Create the first admin</h1>
<p>This page works once: it creates the admin account that signs in to Ferry.</p>
<form id="f">
<label for="u">User name</label><input id="u" name="username" autocomplete="username" required>
<label for="n">Display name</label><input id="n" name="displayName" autocomplete="name">
<label for="p">Password (12 characters or more)</label><input id="p" name="password" type="password" autocomplete="new-password" minlength="12" required>
<button type="submit">Create admin</button>
</form>
<p id="msg" role="status"></p>
<script>
const token = new URLSearchParams(location.search).get("token") || "";
history.replaceState(null, "", location.pathname);
document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = { token, username: e.target.username.value, displayName: e.target.displayName.value || undefined, password: e.target.password.value };
  const res = await fetch("/api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const out = await res.json();
  document.getElementById("msg").textContent = res.ok ? "Done: you are signed in as " + out.username + ". The console comes next; the API is at /docs." : out.error.message;
});
</script>
</body></html>
`;

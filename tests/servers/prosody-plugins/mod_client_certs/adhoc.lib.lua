-- For start-prosody's test server only: the adhoc library as
-- mod_client_certs (Debian 12's prosody-modules) loads it. That
-- mod_client_certs asks for the ad-hoc permission "user", which Prosody
-- 0.12 renamed "any" and refuses with an error, so the module would not
-- load. Prosody finds this file before its own adhoc.lib.lua for
-- mod_client_certs only; every other module gets Prosody's unchanged.
local loader = require "core.modulemanager".loader;
local f, err = loader:load_code_ext("adhoc", "adhoc", "lib.lua", _ENV);
if not f then error("Failed to load the adhoc library: "..tostring(err)); end
local adhoc = f();
local new = adhoc.new;
function adhoc.new(name, node, handler, permission)
	if permission == "user" then permission = "any"; end
	return new(name, node, handler, permission);
end
return adhoc;

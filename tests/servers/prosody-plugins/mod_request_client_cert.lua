-- mod_request_client_cert: for start-prosody's test server only.
--
-- On the c2s ports listed in request_client_cert_ports, STARTTLS asks the
-- client for a TLS certificate, without demanding one: the handshake goes
-- on whatever the client sends (Prosody's default verifyext includes
-- lsec_continue). mod_client_certs (prosody-modules) then offers SASL
-- EXTERNAL to a client that sent one. Every other port keeps mod_tls's own
-- context, which asks for no certificate. Load it on the VirtualHost.
--
-- It also answers <auth mechanism='EXTERNAL'> without a client certificate
-- with <invalid-mechanism/> (EXTERNAL was not offered): Debian 12's
-- mod_client_certs would raise an error there and never answer.
local create_context = require "core.certmanager".create_context;
local st = require "util.stanza";

local ports = {};
for _, port in ipairs(module:get_option_array("request_client_cert_ports", {})) do
	ports[tonumber(port)] = true;
end
local cafile = module:get_option_string("request_client_cert_cafile");
local ctx, cfg;

function module.load()
	local err;
	ctx, err, cfg = create_context(module.host, "server",
		{ verify = { "peer"; "client_once" }; cafile = cafile },
		module:get_option("c2s_ssl") or {});
	if not ctx then
		module:log("error", "Cannot create the TLS context: %s", err);
	end
end

-- Before mod_tls's own handler (priority 0), which takes a context that
-- is already set on the session.
module:hook("stream-features", function (event)
	local session = event.origin;
	if ctx and session.type == "c2s_unauthed" and session.ssl_ctx == nil
		and session.conn and ports[tonumber(session.conn:serverport())] then
		session.ssl_ctx, session.ssl_cfg = ctx, cfg;
	end
end, 100);

-- Before mod_client_certs' handler (priority 1).
module:hook("stanza/urn:ietf:params:xml:ns:xmpp-sasl:auth", function (event)
	local session, stanza = event.origin, event.stanza;
	if session.type ~= "c2s_unauthed" or stanza.attr.mechanism ~= "EXTERNAL" then
		return;
	end
	local sock = session.secure and session.conn and session.conn:socket();
	if not (sock and sock.getpeercertificate and sock:getpeercertificate()) then
		session.send(st.stanza("failure", { xmlns = "urn:ietf:params:xml:ns:xmpp-sasl" })
			:tag("invalid-mechanism"));
		return true;
	end
end, 2);

-- Session revocation at the gateway: each gateway, when it starts, reads the families revoked
-- within the last ACCESS_TOKEN_TTL seconds (their access tokens may still be unexpired).
-- CreateIndex
CREATE INDEX "session_family_revoked_at_idx" ON "ordering"."session_family"("revoked_at");

package shop.auth

import java.security.MessageDigest
import java.time.Duration
import java.time.Instant

data class StoredToken(val userId: Long, val tokenHash: String, val expiresAt: Instant)

class TokenStore(private val db: Database, private val ttl: Duration = Duration.ofHours(1)) {
    fun issue(userId: Long): String {
        val token = SecureTokens.random(32)
        val tokenHash = sha256(token)
        db.insert(StoredToken(userId, tokenHash, Instant.now().plus(ttl)))
        return token
    }

    fun verify(token: String): Long? {
        val stored = db.findByHash(sha256(token)) ?: return null
        if (stored.expiresAt.isBefore(Instant.now())) {
            db.delete(stored)
            return null
        }
        return stored.userId
    }

    fun revokeAll(userId: Long) = db.deleteWhere { it.userId == userId }

    private fun sha256(s: String): String =
        MessageDigest.getInstance("SHA-256").digest(s.toByteArray()).joinToString("") { "%02x".format(it) }
}

object PasswordPolicy {
    const val MIN_LENGTH = 12
    val forbidden = setOf("password", "12345678", "qwerty")

    fun check(password: String): List<String> {
        val problems = mutableListOf<String>()
        if (password.length < MIN_LENGTH) problems += "password is shorter than $MIN_LENGTH characters"
        if (password.lowercase() in forbidden) problems += "password is too common"
        return problems
    }
}

enum class KeyKind { SIGNING, ENCRYPTION }

class KeyRing(private val keys: Map<String, ByteArray>) {
    fun current(kind: KeyKind): ByteArray = keys[kind.name.lowercase()] ?: error("no $kind key configured")
}

variable "db_password" {
  description = "Password for the shop database user"
  type        = string
  sensitive   = true
}

variable "api_token_ttl" {
  type    = number
  default = 3600
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "shop/db-password"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = var.db_password
}

resource "aws_iam_access_key" "deploy" {
  user = aws_iam_user.deploy.name
}

resource "aws_kms_key" "tokens" {
  description             = "Encrypts refresh tokens at rest"
  deletion_window_in_days = 10
  enable_key_rotation     = true
}

output "deploy_access_key_id" {
  value     = aws_iam_access_key.deploy.id
  sensitive = true
}

resource "kubernetes_secret" "session" {
  metadata {
    name      = "shop-session"
    namespace = "shop"
  }
  data = {
    secret = random_password.session.result
  }
}

resource "random_password" "session" {
  length  = 48
  special = false
}

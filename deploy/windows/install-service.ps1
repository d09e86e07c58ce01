# Installs roa2web as one Windows service with NSSM (https://nssm.cc), replacing the
# three services of the old apps. Run in an elevated PowerShell from the checkout.
param(
  [string]$ServiceName = "roa2web",
  [string]$Root = (Resolve-Path "$PSScriptRoot\..\.."),
  [string]$Node = (Get-Command node).Source,
  [string]$EnvFile = "$Root\.env"
)
$ErrorActionPreference = "Stop"
if (-not (Test-Path $EnvFile)) { throw "Create $EnvFile first (copy .env.example; set ROA2WEB_ENV=production, JWT_SECRET, ORACLE_*)." }

nssm install $ServiceName $Node "$Root\kernel\core\dist\main.js"
nssm set $ServiceName AppDirectory $Root
# IIS (web.config) forwards from this machine: only its X-Forwarded-For/-Proto count, and
# the port answers only on this machine, so nobody can go around IIS.
nssm set $ServiceName AppEnvironmentExtra "ROA2WEB_ENV=production" "TRUST_PROXY=127.0.0.1" "HOST=127.0.0.1"
nssm set $ServiceName AppStdout "$Root\logs\roa2web.log"
nssm set $ServiceName AppStderr "$Root\logs\roa2web.log"
nssm set $ServiceName AppRotateFiles 1
nssm set $ServiceName AppRotateBytes 52428800
# The service's process is the supervisor (ADR 0025), with the kernel as its child.
# SIGINT-like stop: NSSM sends Ctrl+C first; the supervisor stops the kernel (drain
# requests, stop plugins) and exits. Anything left after that is killed with the tree.
nssm set $ServiceName AppStopMethodConsole 20000
nssm set $ServiceName AppKillProcessTree 1
# Windows has no SIGHUP: a hand-over to a fresh kernel process (new code, .env read
# again) is POST /api/kernel/handover with an administrator's token.
nssm set $ServiceName Start SERVICE_AUTO_START
New-Item -ItemType Directory -Force "$Root\logs" | Out-Null
nssm start $ServiceName
Write-Host "roa2web installed. Health: http://localhost:8000/health"

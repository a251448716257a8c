@echo off
rem Stops what launch_all.bat started (parity with stop_all.sh): the frontend, the API and the workers
rem through their PID files (each with its child processes), then the embedded PostgreSQL.
rem   stop_all.bat                  stop everything, the embedded PostgreSQL included
rem   stop_all.bat --keep-database  (used by launch_all.bat) stop the processes, leave the database running
rem   stop_all.bat --quiet          say nothing
setlocal EnableExtensions EnableDelayedExpansion
set "ROOT=%~dp0"
set "RUN_DIR=%ROOT%.run"
set "KEEP_DATABASE="
set "QUIET="
for %%a in (%*) do (
  if /I "%%~a"=="--keep-database" set "KEEP_DATABASE=1"
  if /I "%%~a"=="--quiet" set "QUIET=1"
)
if not exist "%RUN_DIR%" exit /b 0
rem Frontend first (it only talks to the API), then workers, then the API. Only recorded process ids are
rem stopped: another program on the launcher's ports is left alone (the launcher then falls back to 8010).
for %%n in (frontend worker backend) do (
  for %%f in ("%RUN_DIR%\%%n*.pid") do (
    set "PID="
    set /p PID=<"%%~f"
    if defined PID (
      if not defined QUIET echo [stop_all] stopping %%~nf ^(pid !PID!^)
      taskkill /PID !PID! /T >nul 2>&1
      timeout /t 2 /nobreak >nul
      taskkill /PID !PID! /T /F >nul 2>&1
    )
    del "%%~f" >nul 2>&1
  )
)
if defined KEEP_DATABASE exit /b 0
if exist "%ROOT%backend\.venv\Scripts\mtf.exe" (
  "%ROOT%backend\.venv\Scripts\mtf.exe" db stop
  if errorlevel 1 ( echo [stop_all] the embedded PostgreSQL did not stop cleanly & exit /b 1 )
  if not defined QUIET echo [stop_all] embedded PostgreSQL: stopped
)
exit /b 0

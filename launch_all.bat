@echo off
rem MT-Facturation one-shot launcher for Windows (parity with launch_all.sh, spec 11.1).
rem   launch_all.bat        install, migrate, start the API, smoke-check, print URLs
rem   launch_all.bat demo   load the demo data set into the running system (idempotent)
rem   launch_all.bat test   install and run every quality gate and test suite
setlocal EnableExtensions EnableDelayedExpansion
set "ROOT=%~dp0"
set "BACKEND=%ROOT%backend"
set "RUN_DIR=%ROOT%.run"
set "UV_VERSION=0.13.9"
set "MODE=%~1"
if "%MODE%"=="" set "MODE=run"

rem --- Python 3.12 (the py launcher, else python3.12 on PATH) ---
set "PY="
py -3.12 -c "import sys" >nul 2>&1
if not errorlevel 1 set "PY=py -3.12"
if not defined PY (
  python3.12 -c "import sys" >nul 2>&1
  if not errorlevel 1 set "PY=python3.12"
)
if not defined PY (
  echo [launch_all] Python 3.12 is required: install it from python.org or with pyenv-win.
  exit /b 1
)

rem --- uv and the locked backend dependencies ---
if not exist "%BACKEND%\.tools\Scripts\uv.exe" (
  %PY% -m venv "%BACKEND%\.tools" || exit /b 1
  "%BACKEND%\.tools\Scripts\python.exe" -m pip install --quiet "uv==%UV_VERSION%" || exit /b 1
)
set "UV=%BACKEND%\.tools\Scripts\uv.exe"
set "UV_PYTHON_DOWNLOADS=never"
pushd "%BACKEND%"
"%UV%" sync --frozen --quiet
if errorlevel 1 ( popd & echo [launch_all] uv sync failed & exit /b 1 )
"%UV%" pip check --quiet
if errorlevel 1 ( popd & echo [launch_all] dependency check failed & exit /b 1 )

if exist "%ROOT%frontend\package.json" (
  call npm --prefix "%ROOT%frontend" ci --no-audit --no-fund
  if errorlevel 1 ( popd & echo [launch_all] step failed: npm ci & exit /b 1 )
  call npm --prefix "%ROOT%frontend" ls --depth=0 >nul
  if errorlevel 1 ( popd & echo [launch_all] step failed: npm ls --depth=0 & exit /b 1 )
)

if /I "%MODE%"=="test" goto :test
if /I "%MODE%"=="demo" goto :demo

rem --- run mode ---
if not exist "%RUN_DIR%" mkdir "%RUN_DIR%"
rem Stale processes of an earlier launch: only the ones it recorded (PID files), never another program on a port.
call "%ROOT%stop_all.bat" --keep-database --quiet
rem Into a file, not for /f over the command: a PostgreSQL started here inherits the output handle.
"%BACKEND%\.venv\Scripts\mtf.exe" db url > "%RUN_DIR%\database.url" 2> "%RUN_DIR%\database.log"
if errorlevel 1 ( popd & echo [launch_all] step failed: choosing the database, see %RUN_DIR%\database.log & exit /b 1 )
set /p DATABASE_URL=<"%RUN_DIR%\database.url"
if not defined DATABASE_URL ( popd & echo [launch_all] step failed: choosing the database, see %RUN_DIR%\database.log & exit /b 1 )
"%BACKEND%\.venv\Scripts\mtf.exe" migrate > "%RUN_DIR%\migrate.log" 2>&1
if errorlevel 1 ( popd & echo [launch_all] step failed: migration, see %RUN_DIR%\migrate.log & exit /b 1 )
set "PORT=8000"
netstat -ano | findstr /R /C:":8000 .*LISTENING" >nul
if not errorlevel 1 set "PORT=8010"
rem Started through PowerShell for its process id, recorded so stop_all.bat stops this process and no other.
set "BACKEND_PID="
for /f %%i in ('powershell -NoProfile -Command "(Start-Process -FilePath '%BACKEND%\.venv\Scripts\mtf.exe' -ArgumentList 'serve','--host','127.0.0.1','--port','!PORT!' -WorkingDirectory '%BACKEND%' -RedirectStandardOutput '%RUN_DIR%\backend.log' -RedirectStandardError '%RUN_DIR%\backend.err.log' -WindowStyle Hidden -PassThru).Id"') do set "BACKEND_PID=%%i"
if not defined BACKEND_PID ( popd & echo [launch_all] step failed: starting the API, see %RUN_DIR%\backend.err.log & exit /b 1 )
> "%RUN_DIR%\backend.pid" echo !BACKEND_PID!
> "%RUN_DIR%\api.url" echo http://127.0.0.1:!PORT!
set "BASE=http://127.0.0.1:!PORT!"
set /a TRIES=0
:wait_ready
set /a TRIES+=1
curl -fsS "!BASE!/health/ready" >nul 2>&1
if not errorlevel 1 goto :ready
if !TRIES! GEQ 90 ( popd & echo [launch_all] the API did not become ready & exit /b 1 )
timeout /t 1 /nobreak >nul
goto :wait_ready
:ready
curl -fsS "!BASE!/api/v1/openapi.json" | findstr /C:"/api/v1/offer-categories" >nul
if errorlevel 1 ( popd & echo [launch_all] smoke: OpenAPI lacks /api/v1/offer-categories & exit /b 1 )
curl -fsS -X POST "!BASE!/api/v1/auth/token" -d "username=admin&password=admin-local-password&grant_type=password" > "%RUN_DIR%\token.json" 2>nul
if errorlevel 1 ( popd & echo [launch_all] smoke: the local login was refused, see %RUN_DIR%\backend.err.log & exit /b 1 )
set "TOKEN="
for /f "usebackq delims=" %%t in (`""%BACKEND%\.venv\Scripts\python.exe" -c "import json,sys; print(json.load(open(sys.argv[1]))['access_token'])" "%RUN_DIR%\token.json""`) do set "TOKEN=%%t"
del "%RUN_DIR%\token.json" >nul 2>&1
curl -fsS -H "Authorization: Bearer !TOKEN!" "!BASE!/api/v1/offer-categories" >nul
if errorlevel 1 ( popd & echo [launch_all] smoke: authenticated GET /api/v1/offer-categories failed & exit /b 1 )
if exist "%ROOT%frontend\package.json" (
  set "VITE_API_BASE_URL=!BASE!"
  set "FRONTEND_PID="
  for /f %%i in ('powershell -NoProfile -Command "$env:VITE_API_BASE_URL='!BASE!'; (Start-Process -FilePath 'cmd.exe' -ArgumentList '/c','npm run dev -- --host 127.0.0.1 --port 5173 --strictPort' -WorkingDirectory '%ROOT%frontend' -RedirectStandardOutput '%RUN_DIR%\frontend.log' -RedirectStandardError '%RUN_DIR%\frontend.err.log' -WindowStyle Hidden -PassThru).Id"') do set "FRONTEND_PID=%%i"
  if not defined FRONTEND_PID ( popd & echo [launch_all] step failed: starting the frontend, see %RUN_DIR%\frontend.err.log & exit /b 1 )
  > "%RUN_DIR%\frontend.pid" echo !FRONTEND_PID!
  set /a TRIES=0
  goto :wait_front
)
goto :report
:wait_front
set /a TRIES+=1
curl -fsS "http://127.0.0.1:5173/" >nul 2>&1
if not errorlevel 1 goto :front_ready
if !TRIES! GEQ 90 ( popd & echo [launch_all] step failed: the frontend did not answer, see %RUN_DIR%\frontend.log & exit /b 1 )
timeout /t 1 /nobreak >nul
goto :wait_front
:front_ready
curl -fsS -X OPTIONS -H "Origin: http://127.0.0.1:5173" -H "Access-Control-Request-Method: GET" -H "Access-Control-Request-Headers: authorization,idempotency-key,x-correlation-id" -D - -o nul "!BASE!/api/v1/offer-categories" | findstr /I /C:"access-control-allow-origin: http://127.0.0.1:5173" >nul
if errorlevel 1 ( popd & echo [launch_all] smoke: CORS preflight from the frontend refused & exit /b 1 )
echo     Workspace:   http://127.0.0.1:5173/
:report
echo.
echo   MT-Facturation is running.
echo     API:         !BASE!
echo     API docs:    !BASE!/api/v1/docs
echo     Local login: admin / admin-local-password
echo     Logs:        %RUN_DIR%
echo     PID files:   %RUN_DIR%\*.pid
echo     Demo data:   launch_all.bat demo
echo     Stop:        stop_all.bat
popd
exit /b 0

:demo
if not exist "%RUN_DIR%" mkdir "%RUN_DIR%"
"%BACKEND%\.venv\Scripts\mtf.exe" db url > "%RUN_DIR%\database.url" 2> "%RUN_DIR%\database.log"
if errorlevel 1 ( popd & echo [launch_all] step failed: choosing the database, see %RUN_DIR%\database.log & exit /b 1 )
set /p DATABASE_URL=<"%RUN_DIR%\database.url"
"%BACKEND%\.venv\Scripts\python.exe" -m app.demo
if errorlevel 1 ( popd & echo [launch_all] step failed: demo data & exit /b 1 )
popd
exit /b 0

:test
"%BACKEND%\.venv\Scripts\ruff.exe" check app tests migrations benchmarks || ( popd & exit /b 1 )
"%BACKEND%\.venv\Scripts\ruff.exe" format --check app tests migrations benchmarks || ( popd & exit /b 1 )
"%BACKEND%\.venv\Scripts\mypy.exe" || ( popd & exit /b 1 )
"%BACKEND%\.venv\Scripts\lint-imports.exe" || ( popd & exit /b 1 )
"%BACKEND%\.venv\Scripts\pytest.exe" -n 2 -p no:cacheprovider || ( popd & exit /b 1 )
popd
pushd "%ROOT%frontend"
for %%g in (lint format:check typecheck check:api test build) do (
  echo [launch_all] frontend: npm run %%g
  call npm run --silent %%g
  if errorlevel 1 ( popd & echo [launch_all] step failed: frontend %%g & exit /b 1 )
)
rem The e2e suite drives a Chromium the machine has (no browser download): CHROMIUM_PATH names it.
if defined CHROMIUM_PATH (
  call npm run --silent e2e
  if errorlevel 1 ( popd & echo [launch_all] step failed: frontend e2e & exit /b 1 )
  rem /landing once more under the otp verification policy: its one-time code journeys.
  setlocal
  set "MTF_LANDING_VERIFICATION=otp"
  set "MTF_E2E_ONLY=03"
  call npm run --silent e2e
  if errorlevel 1 ( endlocal & popd & echo [launch_all] step failed: frontend e2e, otp verification & exit /b 1 )
  endlocal
) else (
  echo [launch_all] frontend e2e skipped: set CHROMIUM_PATH to a Chromium or Chrome executable to run it
)
popd
echo [launch_all] all suites passed
exit /b 0

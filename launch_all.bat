@echo off
rem MT-Facturation one-shot launcher for Windows (parity with launch_all.sh, spec 11.1).
rem   launch_all.bat        install, migrate, start the API, smoke-check, print URLs
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

if /I "%MODE%"=="test" goto :test

rem --- run mode ---
if not exist "%RUN_DIR%" mkdir "%RUN_DIR%"
for /f "tokens=5" %%p in ('netstat -ano ^| findstr /R /C:":8000 .*LISTENING"') do taskkill /PID %%p /F >nul 2>&1
"%UV%" run --frozen mtf migrate
if errorlevel 1 ( popd & echo [launch_all] migration failed & exit /b 1 )
set "PORT=8000"
netstat -ano | findstr /R /C:":8000 .*LISTENING" >nul
if not errorlevel 1 set "PORT=8010"
start "mtf-backend" /B "%BACKEND%\.venv\Scripts\mtf.exe" serve --host 127.0.0.1 --port !PORT! > "%RUN_DIR%\backend.log" 2>&1
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
echo.
echo   MT-Facturation is running.
echo     API:         !BASE!
echo     API docs:    !BASE!/api/v1/docs
echo     Local login: admin / admin-local-password
popd
exit /b 0

:test
"%BACKEND%\.venv\Scripts\ruff.exe" check app tests migrations benchmarks || ( popd & exit /b 1 )
"%BACKEND%\.venv\Scripts\ruff.exe" format --check app tests migrations benchmarks || ( popd & exit /b 1 )
"%BACKEND%\.venv\Scripts\mypy.exe" || ( popd & exit /b 1 )
"%BACKEND%\.venv\Scripts\pytest.exe" -n 2 -p no:cacheprovider || ( popd & exit /b 1 )
popd
echo [launch_all] all suites passed
exit /b 0

<#
.SYNOPSIS
    Build the Windows release of cff_desktop: the PyInstaller bundle, then the NSIS installer
    dist\cff-desktop-setup-<version>.exe, smoke-testing each.

.DESCRIPTION
    Run from any folder on a Windows 10/11 build machine with Python 3.11 (64-bit) and NSIS 3
    (https://nsis.sourceforge.io, or `choco install nsis`):

        powershell -ExecutionPolicy Bypass -File installer\build.ps1 [-TestInstall]

    1. a clean virtual environment .venv-release with the project installed non-editable with the
       'release' extra (what is tested is what a fresh checkout builds, not a developer's venv);
    2. PyInstaller one-folder bundle in dist\cff-desktop (installer\cff_desktop.spec);
    3. smoke test of the bundle: versions, `cff demo create` + `cff score --json`, every screen
       rendered offscreen, all with a data folder whose name has Vietnamese letters and spaces;
    4. makensis, warnings as errors, into dist\cff-desktop-setup-<version>.exe plus its SHA-256;
    5. with -TestInstall: silent per-user install into a folder with Vietnamese letters and
       spaces, `cff score` from the installed copy, silent uninstall, data folder still there.

    The script stops at the first failure (exit code 1) with a message naming the step.
#>
[CmdletBinding()]
param(
    # how to start Python 3.11: the py launcher on a build machine, "python" on a CI runner
    [string[]]$Python = @("py", "-3.11"),
    # makensis.exe; found on PATH or in the default NSIS folders when not given
    [string]$Makensis = "",
    # also install, run and uninstall the built installer (changes the current user's Start menu)
    [switch]$TestInstall
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$Dist = Join-Path $Root "dist"
$Bundle = Join-Path $Dist "cff-desktop"

function Step([string]$Name) { Write-Host "`n=== $Name ===" -ForegroundColor Cyan }

function Invoke-Checked([string]$What, [string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit $LASTEXITCODE): $Exe $($Arguments -join ' ')" }
}

# A windowed program returns to PowerShell at once; wait for it and return its exit code.
function Invoke-Windowed([string]$Exe, [string]$ArgumentLine) {
    $p = Start-Process -FilePath $Exe -ArgumentList $ArgumentLine -Wait -PassThru -NoNewWindow
    return $p.ExitCode
}

function New-TempFolder([string]$Name) {
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("cff-build-" + [guid]::NewGuid().ToString("N").Substring(0, 8))
    $dir = Join-Path $dir $Name
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    return $dir
}

try {
    Step "Python environment (.venv-release)"
    $venv = Join-Path $Root ".venv-release"
    $py = Join-Path $venv "Scripts\python.exe"
    if (-not (Test-Path $py)) {
        $launcher = $Python[0]
        $launcherArgs = @($Python | Select-Object -Skip 1)
        Invoke-Checked "Creating the virtual environment" $launcher ($launcherArgs + @("-m", "venv", $venv))
    }
    Invoke-Checked "Upgrading pip" $py @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
    Invoke-Checked "Installing cff_desktop[release]" $py @("-m", "pip", "install", "--quiet", "--upgrade", ".[release]")
    $versions = (& $py (Join-Path $PSScriptRoot "version_info.py")).Trim().Split(" ")
    $Version, $VersionWin = $versions[0], $versions[1]
    Write-Host "version $Version ($VersionWin)"

    Step "PyInstaller one-folder bundle"
    if (Test-Path $Bundle) { Remove-Item -Recurse -Force $Bundle }
    Invoke-Checked "PyInstaller" $py @("-m", "PyInstaller", (Join-Path $PSScriptRoot "cff_desktop.spec"),
        "--noconfirm", "--distpath", $Dist, "--workpath", (Join-Path $Root "build\pyinstaller"))
    $cff = Join-Path $Bundle "cff.exe"
    $app = Join-Path $Bundle "cff-desktop.exe"
    foreach ($f in @($cff, $app, (Join-Path $Bundle "_internal\cff_desktop\resources\rulesets\qd06-2019.json"),
                     (Join-Path $Bundle "_internal\cff_desktop\resources\fonts\LiberationSerif-Regular.ttf"))) {
        if (-not (Test-Path $f)) { throw "The bundle lacks $f" }
    }
    $size = (Get-ChildItem -Recurse -File $Bundle | Measure-Object -Property Length -Sum).Sum
    Write-Host ("bundle: {0:N1} MB" -f ($size / 1MB))

    Step "Smoke test of the bundle"
    $env:CFF_HOME = New-TempFolder "Dữ liệu xã thử"
    $env:PYTHONIOENCODING = "utf-8"
    $v = (& $cff --version).Trim()
    if ($v -ne "cff $Version") { throw "cff --version says '$v', expected 'cff $Version'" }
    Invoke-Checked "cff demo create" $cff @("demo", "create")
    $score = (& $cff score --json) -join "`n" | ConvertFrom-Json
    if ($LASTEXITCODE -ne 0 -or $score.total -le 0) { throw "cff score --json from the bundle failed" }
    Write-Host "cff score: $($score.total) / $($score.max_total) ($($score.ruleset))"
    $shots = New-TempFolder "Ảnh màn hình"
    $env:QT_QPA_PLATFORM = "offscreen"
    $code = Invoke-Windowed $app "--screenshot `"$shots`""
    Remove-Item Env:\QT_QPA_PLATFORM
    $pngs = @(Get-ChildItem -Path $shots -Filter *.png)
    if ($code -ne 0 -or $pngs.Count -lt 10) { throw "cff-desktop --screenshot: exit $code, $($pngs.Count) screens" }
    Write-Host "$($pngs.Count) screens rendered"
    $code = Invoke-Windowed $app "--probe-startup"   # the real Windows platform plugin this time
    if ($code -ne 0) { throw "cff-desktop --probe-startup exited $code" }

    Step "NSIS installer"
    if (-not $Makensis) {
        $found = Get-Command makensis -ErrorAction SilentlyContinue
        $candidates = @(
            $(if ($found) { $found.Source }),
            (Join-Path ${env:ProgramFiles(x86)} "NSIS\makensis.exe"),
            (Join-Path $env:ProgramFiles "NSIS\makensis.exe")
        ) | Where-Object { $_ -and (Test-Path $_) }
        if (-not $candidates) { throw "makensis not found: install NSIS 3 or pass -Makensis" }
        $Makensis = @($candidates)[0]
    }
    $Setup = Join-Path $Dist "cff-desktop-setup-$Version.exe"
    Invoke-Checked "makensis" $Makensis @("/INPUTCHARSET", "UTF8", "/WX", "/DVERSION=$Version",
        "/DVERSION_WIN=$VersionWin", "/DSOURCE_DIR=$Bundle", "/DOUTFILE=$Setup",
        (Join-Path $PSScriptRoot "cff_desktop.nsi"))
    $hash = (Get-FileHash -Algorithm SHA256 $Setup).Hash.ToLower()
    Set-Content -Encoding ascii -Path "$Setup.sha256" -Value "$hash  $(Split-Path -Leaf $Setup)"
    Write-Host ("installer: {0} ({1:N1} MB), SHA-256 {2}" -f $Setup, ((Get-Item $Setup).Length / 1MB), $hash)

    if ($TestInstall) {
        Step "Install, run, uninstall"
        $target = New-TempFolder "Chương trình của xã\Đánh giá trẻ em"
        # /D= must come last and unquoted, even with spaces (NSIS rule)
        $code = Invoke-Windowed $Setup "/S /CURRENTUSER /D=$target"
        if ($code -ne 0) { throw "the installer exited $code" }
        $installed = Get-ChildItem -Directory -Path $target -Filter "app-*" | Select-Object -First 1
        if (-not $installed) { throw "nothing was installed into $target" }
        $icff = Join-Path $installed.FullName "cff.exe"
        $again = (& $icff score --json) -join "`n" | ConvertFrom-Json
        if ($again.total -ne $score.total) { throw "installed cff score disagrees: $($again.total)" }
        $lnk = Join-Path ([Environment]::GetFolderPath("Programs")) "Đánh giá xã phù hợp với trẻ em.lnk"
        if (-not (Test-Path $lnk)) { throw "no Start menu shortcut at $lnk" }
        $code = Invoke-Windowed (Join-Path $target "uninstall.exe") "/S _?=$target"
        if ($code -ne 0) { throw "the uninstaller exited $code" }
        if (Test-Path $installed.FullName) { throw "the uninstaller left $($installed.FullName)" }
        if (-not (Test-Path (Join-Path $env:CFF_HOME "cff.sqlite"))) { throw "the data folder was touched" }
        Write-Host "installed, scored $($again.total), uninstalled; data folder untouched"
    }
    Write-Host "`nDone: $Setup" -ForegroundColor Green
    exit 0
}
catch {
    Write-Host "BUILD FAILED: $_" -ForegroundColor Red
    exit 1
}

## Shell
app-name = Foundation
meta-description = Cuentas, organizaciones, roles, facturación y colaboración en tiempo real, listos para construir.
skip-to-content = Saltar al contenido
nav-label = Principal
nav-home = Inicio
footer-version = Versión { $version }

## Preferences
language-label = Idioma
theme-label = Tema
theme-system = Sistema
theme-light = Claro
theme-dark = Oscuro
preferences-apply = Aplicar

## Home
home-title = Lanza tu SaaS sobre una base que escala
home-lead = Cuentas, organizaciones, roles, facturación y una primera funcionalidad: un solo binario en tu portátil, muchas instancias en producción.
features-title = Lo que obtienes
feature-orgs-title = Organizaciones y roles
feature-orgs-body = Invita a tu equipo, asigna un rol a cada miembro y mantén separados los datos de cada organización.
feature-billing-title = Planes y facturación
feature-billing-body = Límites por plan, cambios de plan y facturas, con un proveedor local para desarrollo.
feature-realtime-title = Colaboración en tiempo real
feature-realtime-body = Los cambios llegan a toda la organización en el momento en que ocurren.
feature-deploy-title = Un código, dos despliegues
feature-deploy-body = Una base de datos integrada sin configuración, o PostgreSQL y Redis en muchos servidores.
status-title = Estado del sistema
status-loading = Comprobando…
status-version = Versión
status-database = Base de datos
status-cache = Caché y mensajería

## Errors
error-title = Algo salió mal
error-request-id = Solicitud { $id }
not-found-title = Página no encontrada
not-found-body = La página que buscas no existe o se ha movido.
not-found-home = Ir a la página de inicio
error-auth-unauthenticated = Inicia sesión para continuar.
error-auth-forbidden = No tienes permiso para hacer eso.
error-auth-session-expired = Tu sesión ha caducado. Vuelve a iniciar sesión.
error-auth-invalid-credentials = El correo electrónico o la contraseña no son correctos.
error-val-required-field = Este campo es obligatorio.
error-val-invalid-format = Este valor no es válido.
error-val-invalid-email = Introduce un correo electrónico válido.
error-val-password-too-weak = Elige una contraseña más segura.
error-val-too-long = Este valor es demasiado largo.
error-biz-not-found = No encontramos lo que buscabas.
error-biz-duplicate-entry = Esto ya existe.
error-biz-limit-exceeded = Has alcanzado el límite de tu plan.
error-biz-invalid-state = Esto no se puede hacer ahora.
error-biz-payment-failed = El pago no se ha completado.
error-sys-server-error = Se produjo un error inesperado. Inténtalo de nuevo.
error-sys-rate-limit = Demasiadas solicitudes. Espera un momento e inténtalo de nuevo.
error-sys-config-error = El servidor no está configurado correctamente.
error-sys-service-unavailable = El servicio no está disponible temporalmente. Inténtalo de nuevo en breve.
error-net-connection-error = No se pudo conectar con el servidor. Comprueba tu conexión.
error-net-timeout = El servidor tardó demasiado en responder.

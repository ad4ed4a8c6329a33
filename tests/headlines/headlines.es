Agricultores protestan contra las nuevas normas del agua frente al Parlamento
Lluvias intensas inundan carreteras en todo el norte de España
El banco central sube los tipos de interés por tercera vez este año
La policía detiene a dos hombres tras el robo de una joyería
Una escuela local gana el premio nacional de ciencia
El Gobierno anuncia un plan para reducir las facturas de energía
El personal del hospital deja el trabajo por un conflicto salarial
Los bomberos luchan contra un incendio forestal cerca de Valencia
Maria Lindqvist, nombrada nueva directora de la orquesta
El ayuntamiento aprueba el presupuesto para un nuevo puente
Científicos descubren una nueva especie de rana en la Amazonia
Los maquinistas votan ir a la huelga el próximo mes
El primer ministro visita los pueblos inundados
Miles de personas marchan por la acción climática en Lisboa
Una aerolínea cancela cientos de vuelos por la tormenta
Un club de fútbol despide a su entrenador tras un mal comienzo
La ola de calor dispara las temperaturas en toda Europa
Un museo devuelve cuadros robados a sus propietarios
Una nueva ley prohíbe fumar en los parques
Una empresa tecnológica recorta 500 empleos en Dublín
Los trabajadores portuarios ponen fin a la huelga
Una tormenta azota la costa
El ministro visitará la zona inundada
Muere un hombre en un accidente en la autopista
Los pescadores protestan contra las nuevas cuotas
Los precios vuelven a subir en marzo
Rescatan a una mujer del río
Los profesores rechazan la oferta salarial
Un juez bloquea las nuevas normas fronterizas
Un incendio forestal obliga a huir a miles de personas
El alcalde tendrá que responder preguntas sobre el contrato
Los conductores de autobús desconvocan la huelga
Los beneficios de los bancos se disparan pese a la crisis
Dos escaladores desaparecidos en los Alpes
El hospital abre una nueva planta de oncología
El paro cae a su nivel más bajo en una década
El presidente promete reconstruir la ciudad
Un niño herido por la caída de un árbol
Los agricultores advierten de escasez de alimentos
La policía incauta drogas por valor de 2 millones de euros
El Parlamento aprueba una nueva ley de vivienda
El nivel de los ríos sube tras una semana de lluvia
Multa a una empresa por contaminar un lago
Miles de personas sin luz tras la tormenta
El delantero estrella firma un nuevo contrato
El ayuntamiento cerrará tres bibliotecas
La sequía amenaza la cosecha de aceituna
El servicio de ferri se reanuda tras la huelga
Los manifestantes cortan la carretera principal
Los trabajadores consiguen una subida salarial
EE.UU. y la UE cierran un nuevo acuerdo comercial
La ONU pide un alto el fuego en el norte
¿Pagaría más por una energía más verde?
"No nos rendiremos", dice el líder sindical
Los médicos alertan de un brote de gripe
Resultado electoral: ¿quién ganó y por qué?
Aprobada la ampliación del aeropuerto
El nuevo presidente jura el cargo
Las tarifas ferroviarias subirán en enero
Un pueblo celebra los 100 años de su vecino más anciano
